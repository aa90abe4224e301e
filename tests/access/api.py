from tests.access import Case, everyone


def cases(world):
    return [
        Case("api.leaderboard", "GET", "/api/v1/leaderboard", everyone(200)),
        Case("api.leaderboard", "GET", "/api/v1/leaderboard?limit=1001", everyone(400)),
        Case("api.leaderboard_export", "GET", "/api/v1/leaderboard/huyen.ndjson.gz",
             everyone(200)),
        Case("api.leaderboard_export", "GET", "/api/v1/leaderboard/huyen.csv.gz", everyone(200)),
        Case("api.leaderboard_export", "GET", "/api/v1/leaderboard/khong-co.csv.gz",
             everyone(404)),
        Case("api.unit", "GET", "/api/v1/units/HOAAN", everyone(200)),
        Case("api.unit", "GET", "/api/v1/units/KHONG-CO", everyone(404)),
        Case("api.propaganda", "GET", "/api/v1/propaganda?unit=HOAAN", everyone(200)),
        Case("api.propaganda", "GET", "/api/v1/propaganda?channel=radio", everyone(400)),
        Case("api.openapi", "GET", "/api/v1/openapi.json", everyone(200)),
        Case("api.results", "GET", "/api/v1/results", everyone(200)),
        Case("api.drives", "GET", "/api/v1/drives", everyone(200)),
    ]
