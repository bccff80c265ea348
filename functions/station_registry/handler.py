from shared.lambda_entry import http_handler

handler = http_handler("station_registry")  # the app is built by SnapStart's priming or the first request
