"""A local HTTP server serving catalogue documents in CelesTrak's and Space-Track's formats (there is no internet
in the tests): routes map a path to a list of answers (status, body), the last one repeated; every request is
counted. OMM JSON is written from real element sets (the demo's CelesTrak snapshot)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def omm_records(tle_text: str) -> list[dict[str, Any]]:
    """CelesTrak GP JSON (``FORMAT=json``) for these element sets: numbers as numbers, epoch to the microsecond."""
    from groundlink_orbit import parse_tle_text

    out = []
    for es in parse_tle_text(tle_text).element_sets:
        year = int(es.intl_designator[:2])
        cospar = f"{1900 + year if year >= 57 else 2000 + year}-{es.intl_designator[2:]}"
        out.append({
            "OBJECT_NAME": es.name, "OBJECT_ID": cospar,
            "EPOCH": es.epoch_utc.strftime("%Y-%m-%dT%H:%M:%S.%f"), "MEAN_MOTION": round(es.mean_motion_rev_per_day, 8),
            "ECCENTRICITY": round(es.eccentricity, 7), "INCLINATION": round(es.inclination_deg, 4),
            "RA_OF_ASC_NODE": round(es.raan_deg, 4), "ARG_OF_PERICENTER": round(es.arg_perigee_deg, 4),
            "MEAN_ANOMALY": round(es.mean_anomaly_deg, 4), "EPHEMERIS_TYPE": 0, "CLASSIFICATION_TYPE": "U",
            "NORAD_CAT_ID": es.norad_id, "ELEMENT_SET_NO": 999, "REV_AT_EPOCH": int(es.line2[63:68]),
            "BSTAR": es.bstar, "MEAN_MOTION_DOT": float(es.line1[33:43]), "MEAN_MOTION_DDOT": 0,
        })
    return out


def demo_omm(count: int | None = None) -> list[dict[str, Any]]:
    return omm_records((ROOT / "shared" / "demo_data" / "satellites.tle").read_text())[:count]


class CatalogueServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[tuple[int, bytes]]] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                path = self.path.split("?")[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                answers = server.routes.get(path, [(404, b"not found")])
                status, body = answers[min(server.hits[path], len(answers)) - 1]
                self.send_response(status)
                if path.endswith("/ajaxauth/login") and status == 200:
                    self.send_header("Set-Cookie", "chocolatechip=session; Path=/")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def serve(self, path: str, *answers: tuple[int, Any]) -> str:
        self.routes[path] = [(s, b if isinstance(b, bytes) else json.dumps(b).encode()) for s, b in answers]
        return self.url(path)

    def __enter__(self) -> CatalogueServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
