from itertools import count

from tests.access import LOGIN, Case, everyone, signed_in

_attempt = count()


def cases(world):
    return [
        Case("accounts.login", "GET", "/tai-khoan/dang-nhap", everyone(200)),
        # A wrong password is refused for everyone alike (a new name each time, so the
        # per-account throttle of tests/security/test_signin.py does not answer first).
        Case("accounts.login", "POST", "/tai-khoan/dang-nhap", everyone(401),
             data=lambda world: {"username": f"khong-co-{next(_attempt)}",
                                 "password": "sai-mat-khau-123"}),
        Case("accounts.password", "GET", "/tai-khoan/mat-khau", signed_in(200)),
        Case("accounts.password", "POST", "/tai-khoan/mat-khau", signed_in(400),
             data={"current": "sai", "new": "x", "confirm": "y"}),
        Case("accounts.language", "GET", "/tai-khoan/ngon-ngu/en?next=/", everyone(302)),
        Case("accounts.logout", "POST", "/tai-khoan/dang-xuat",
             {**signed_in(302), "anonymous": LOGIN}, fresh_session=True),
    ]
