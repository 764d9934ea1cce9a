"""A local web site for the link preview tests: OpenGraph pages, an image, redirects (to this host, to 0.0.0.0, out
of http, in a loop), a page of 256 MiB and one that never ends; it records every request it gets."""
import http.server
import struct
import threading
import time
import zlib

PAGE = b"""<!doctype html><html><head><title>Fallback</title>
<meta property="og:title" content="A &amp; B">
<meta property="og:description" content="What the page is about">
<meta property="og:site_name" content="Local Site">
<meta property="og:type" content="article">
<meta property="og:image" content="/pic.png">
<meta name="theme-color" content="#112233">
</head><body>""" + b"x" * 1000 + b"</body></html>"


def png(w, h):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + b"\0" * w * 3 for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Site:
    """A local web server that records every request it gets."""

    def __init__(self):
        self.requests = []
        self.huge_written = 0
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def send(self, status, body, ctype="text/html; charset=utf-8", extra=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in extra:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                site.requests.append(self.path)
                port = self.server.server_address[1]
                if self.path.startswith("/page"):
                    self.send(200, PAGE)
                elif self.path == "/pic.png":
                    self.send(200, png(40, 30), "image/png")
                elif self.path == "/redirect":
                    self.send(302, b"", extra=[("Location", f"http://127.0.0.1:{port}/page-after-redirect")])
                elif self.path == "/redirect-to-zero":
                    self.send(302, b"", extra=[("Location", f"http://0.0.0.0:{port}/page-behind-zero")])
                elif self.path == "/redirect-to-file":
                    self.send(302, b"", extra=[("Location", "file:///etc/passwd")])
                elif self.path == "/loop":
                    self.send(302, b"", extra=[("Location", f"http://127.0.0.1:{port}/loop")])
                elif self.path == "/huge":
                    total = 256 << 20
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(total))
                    self.end_headers()
                    try:
                        self.wfile.write(PAGE.replace(b"A &amp; B", b"Huge"))
                        site.huge_written = len(PAGE)
                        block = b"y" * 65536
                        while site.huge_written < total:
                            self.wfile.write(block)
                            site.huge_written += len(block)
                    except OSError:
                        pass
                elif self.path == "/slow":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    try:
                        self.wfile.write(PAGE[:PAGE.index(b"</head>")].replace(b"A &amp; B", b"Slow"))
                        self.wfile.flush()
                        time.sleep(20)
                        self.wfile.write(b"</head></html>")
                    except OSError:
                        pass
                else:
                    self.send(404, b"no")

        self.httpd = http.server.ThreadingHTTPServer(("0.0.0.0", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def seen(self, prefix):
        return [p for p in self.requests if p.startswith(prefix)]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
