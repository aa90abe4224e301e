from tests.access import Case, everyone


def cases(world):
    return [Case("public.index", "GET", "/", everyone(200))]
