from mangum import Mangum

from functions.station_registry.app import app
from shared.lambda_entry import lambda_handler

handler = lambda_handler(Mangum(app, lifespan="off"))
