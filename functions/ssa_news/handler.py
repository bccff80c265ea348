from shared.lambda_entry import http_handler

handler = http_handler("ssa_news")  # the app is built by SnapStart's priming or the first request
