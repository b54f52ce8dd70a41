#!/usr/bin/python3
"""A real SMTP server for Pantau's e-mail tests (Debian's python3-aiosmtpd).

Usage: smtp_server.py <port> <out-dir> [<cert.pem> <key.pem> <user> <password>]

With a certificate it offers STARTTLS and requires it, and AUTH (PLAIN, LOGIN) with the given
user and password, as an office mail server on port 587 does. Each message received is parsed
with Python's email package and written to <out-dir>/<n>.json: envelope, headers, the plain and
HTML parts, and who authenticated. Prints "ready" once it listens.
"""
import email
import email.policy
import json
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Keep:
    def __init__(self, out):
        self.out = out
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        plain = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        self.n += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "from": str(message["from"]),
            "to": str(message["to"]),
            "content_type": message.get_content_type(),
            "plain": plain.get_content() if plain is not None else None,
            "html": html.get_content() if html is not None else None,
            "auth_user": getattr(session, "pantau_user", None) if session.authenticated else None,
            "tls": session.ssl is not None,
        }
        path = os.path.join(self.out, "%04d.json" % self.n)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    kwargs = {}
    if len(sys.argv) > 3:
        cert, key, user, password = sys.argv[3:7]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)

        def check(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and \
                auth_data.login.decode() == user and auth_data.password.decode() == password
            if ok:
                session.pantau_user = user
            return AuthResult(success=ok, handled=False)

        kwargs = dict(tls_context=context, require_starttls=True, authenticator=check,
                      auth_required=True, auth_require_tls=True)
    controller = Controller(Keep(out), hostname="127.0.0.1", port=port, server_hostname="localhost", **kwargs)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
