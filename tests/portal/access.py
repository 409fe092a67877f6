from tests.access import PUBLIC, Route

ROUTES = [Route("GET", "/warga/", PUBLIC)]
