"""A real SMTP server for the SMTP tests, on 127.0.0.1: aiosmtpd with AUTH
(one user and password), STARTTLS required on one port and implicit TLS on
another, using the certificate the test made. Every MAIL, RCPT and DATA is
appended to an events file so the test can prove a check never sends them.

Usage: smtp_server.py CERT KEY USER PASSWORD STARTTLS_PORT TLS_PORT EVENTS_FILE
Prints READY when both ports accept connections; runs until killed.
"""
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

cert, key, user, password, starttls_port, tls_port, events = sys.argv[1:8]


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


def controller(port, **tls):
    """A local SMTP server on `port` that checks the test login; `tls` says how it uses TLS."""
    return Controller(
        Handler(), hostname="127.0.0.1", port=int(port), authenticator=authenticator, **tls
    )


starttls = controller(
    starttls_port, tls_context=context, require_starttls=True, auth_require_tls=True
)
# The whole session is TLS already; aiosmtpd only tracks STARTTLS.
implicit = controller(tls_port, ssl_context=context, auth_require_tls=False)
starttls.start()
implicit.start()
print("READY", flush=True)
while True:
    time.sleep(3600)
