"""Public pages: everyone reads them, signed in or not."""

from tests.access import Case, everyone, published


def cases(world):
    return [
        Case("public.index", "GET", "/", everyone(200)),
        Case("public.leaderboard", "GET", "/bang-xep-hang", everyone(200)),
        Case("public.leaderboard", "GET", "/bang-xep-hang/cdcs?parent=HOAAN", everyone(200)),
        Case("public.leaderboard", "GET", "/bang-xep-hang/khong-co", everyone(404)),
        Case("public.leaderboard_download", "GET", "/bang-xep-hang/huyen.csv", everyone(200)),
        Case("public.leaderboard_download", "GET", "/bang-xep-hang/nganh.xlsx", everyone(200)),
        Case("public.leaderboard_download", "GET", "/bang-xep-hang/huyen.pdf", everyone(404)),
        Case("public.unit", "GET", lambda w: f"/don-vi-thi-dua/{w.hoa_an.slug}", everyone(200)),
        # The province federation is not ranked, so it has no public page.
        Case("public.unit", "GET", "/don-vi-thi-dua/ldld-cb", everyone(404)),
        Case("public.propaganda", "GET", "/tuyen-truyen?phase=dot2&channel=facebook", everyone(200)),
        Case("public.propaganda", "GET", "/tuyen-truyen?from=30-04-2021", everyone(400)),
        Case("public.changes", "GET", "/nhat-ky-xep-hang", everyone(200)),
        Case("public.rules_page", "GET", "/the-le", everyone(200)),
        # Before publication the official result's page says so; there is nothing to download.
        Case("public.results", "GET", "/ket-qua", everyone(200)),
        Case("public.results", "GET", lambda w: f"/dot/{w.drive.slug}/ket-qua", everyone(200)),
        Case("public.results", "GET", "/dot/khong-co/ket-qua", everyone(404)),
        Case("public.results_download", "GET", "/ket-qua.csv", everyone(404)),
        Case("public.results_download", "GET", published("/ket-qua.csv"), everyone(200)),
        Case("public.results_download", "GET", lambda w: f"/dot/{w.drive.slug}/ket-qua.xlsx",
             everyone(200)),
        Case("public.results_download", "GET", "/ket-qua.json", everyone(404)),
    ]
