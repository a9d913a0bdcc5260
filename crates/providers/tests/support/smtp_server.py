"""A real SMTP server for the SMTP tests, on 127.0.0.1: aiosmtpd with AUTH
(one user and password), STARTTLS required on one port and implicit TLS on
another, using the certificate the test made. Every MAIL, RCPT and DATA is
appended to an events file so the test can prove a check never sends them.

Usage: smtp_server.py CERT KEY USER PASSWORD EVENTS_FILE
Binds two free ports itself (port 0, so no other process can take them
between choosing and binding) and prints "READY STARTTLS_PORT TLS_PORT" when
both accept connections; runs until killed.
"""
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

cert, key, user, password, events = sys.argv[1:6]


def log(line):
    with open(events, "a") as f:
        f.write(line + "\n")


class Handler:
    async def handle_MAIL(self, server, session, envelope, address, options):
        log("MAIL " + address)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        log("RCPT " + address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        log("DATA " + envelope.content.decode("utf8", errors="replace").replace("\r\n", "\\n"))
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == user
        and auth_data.password.decode() == password
    )
    # handled=False makes aiosmtpd answer 535 itself on failure.
    return AuthResult(success=ok, handled=False)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)


class BoundController(Controller):
    """A Controller that serves on a socket bound here to a free port: the
    port is the kernel's choice, held from the start (aiosmtpd itself binds
    the port it is given, which must then be chosen beforehand)."""

    def __init__(self, handler, **kwargs):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        super().__init__(handler, hostname="127.0.0.1", port=port, **kwargs)

    def _create_server(self):
        return self.loop.create_server(
            self._factory_invoker, sock=self.sock, ssl=self.ssl_context
        )


def controller(**tls):
    """A local SMTP server on a free port that checks the test login; `tls` says how it uses TLS."""
    return BoundController(Handler(), authenticator=authenticator, **tls)


starttls = controller(tls_context=context, require_starttls=True, auth_require_tls=True)
# The whole session is TLS already; aiosmtpd only tracks STARTTLS.
implicit = controller(ssl_context=context, auth_require_tls=False)
starttls.start()
implicit.start()
print(f"READY {starttls.port} {implicit.port}", flush=True)
while True:
    time.sleep(3600)
