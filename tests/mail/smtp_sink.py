#!/usr/bin/python3
"""A real SMTP server on loopback for Caiwu's mail tests (Debian's python3-aiosmtpd).

Prints "READY <port>" once it accepts connections. Every accepted message is written
to the spool as <seq>.eml (the raw bytes) and <seq>.json (what a test checks: decoded
subject, addresses, envelope, text parts). Every MAIL, EHLO and AUTH it sees is appended to
commands.log (AUTH as AUTH-<mechanism>), so a test can tell how many connections and
transactions there were, and whether they were encrypted.
Stops on SIGTERM, or when its standard input closes (the test process went away).
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
import warnings
from email import policy
from email.parser import BytesParser

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, spool, fail_first, reject_rcpt):
        self.spool = spool
        self.fail_first = fail_first
        self.reject_rcpt = (reject_rcpt or "").lower()
        self.data_seen = 0
        self.seq = 0

    def log_command(self, verb, server):
        tls = server.transport is not None and server.transport.get_extra_info("sslcontext") is not None
        with open(os.path.join(self.spool, "commands.log"), "a", encoding="utf-8") as log:
            log.write(f"{verb} {'tls' if tls else 'plain'}\n")

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.log_command("EHLO", server)
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.log_command("MAIL", server)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt and address.lower() == self.reject_rcpt:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_seen += 1
        if self.data_seen <= self.fail_first:
            return "451 4.3.0 try again later"
        self.seq += 1
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        self.write(self.seq, raw, envelope)
        return f"250 2.0.0 OK queued as {self.seq}"

    def write(self, seq, raw, envelope):
        eml = os.path.join(self.spool, f"{seq}.eml")
        with open(eml + ".tmp", "wb") as out:
            out.write(raw)
        os.replace(eml + ".tmp", eml)

        message = BytesParser(policy=policy.default).parsebytes(raw)
        parts = []
        for part in message.walk():
            if part.is_multipart() or part.get_content_maintype() != "text":
                continue
            try:
                body = part.get_content()
            except Exception as error:  # an undecodable part is a finding, not a crash
                body = f"<undecodable: {error}>"
            parts.append({
                "contentType": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transferEncoding": str(part.get("Content-Transfer-Encoding", "")),
                # SMTP lines end in CRLF; the test compares with what it sent.
                "body": body.replace("\r\n", "\n"),
            })
        summary = {
            "seq": seq,
            "messageId": str(message.get("Message-ID", "")),
            "subject": str(message.get("Subject", "")),
            "from": str(message.get("From", "")),
            "to": str(message.get("To", "")),
            "date": str(message.get("Date", "")),
            "mailFrom": envelope.mail_from,
            "rcptTos": list(envelope.rcpt_tos),
            "contentType": message.get_content_type(),
            "parts": parts,
            "headers": [[name, str(value)] for name, value in message.items()],
        }
        path = os.path.join(self.spool, f"{seq}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            json.dump(summary, out, ensure_ascii=False, indent=1)
        os.replace(path + ".tmp", path)


def authenticator_for(handler, user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        handler.log_command(f"AUTH-{mechanism}", server)
        if (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
                and auth_data.password == password.encode()):
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)
    return authenticate


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spool", required=True)
    parser.add_argument("--port", type=int, default=0, help="0: a free port chosen by the system")
    parser.add_argument("--tls", choices=["none", "starttls", "smtps"], default="none")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--auth-mechanism", choices=["PLAIN", "LOGIN"], help="offer only this one")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--reject-rcpt")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    # SMTPS is TLS from the first byte; aiosmtpd only knows STARTTLS and would warn.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.CRITICAL, stream=sys.stderr)
    os.makedirs(args.spool, exist_ok=True)

    context = None
    if args.tls != "none":
        if not args.cert or not args.key:
            parser.error("--tls starttls|smtps needs --cert and --key")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    handler = Handler(args.spool, args.fail_first, args.reject_rcpt)
    smtp_kwargs = {"hostname": "sink.localhost", "ident": "caiwu test sink"}
    if args.tls == "starttls":
        smtp_kwargs["tls_context"] = context
        smtp_kwargs["require_starttls"] = args.require_starttls
    if args.auth:
        user, _, password = args.auth.partition(":")
        smtp_kwargs["authenticator"] = authenticator_for(handler, user, password)
        smtp_kwargs["auth_required"] = True
        if args.auth_mechanism:
            smtp_kwargs["auth_exclude_mechanism"] = [m for m in ("PLAIN", "LOGIN") if m != args.auth_mechanism]
        # With implicit TLS the whole connection is encrypted; aiosmtpd only knows STARTTLS.
        smtp_kwargs["auth_require_tls"] = args.tls != "smtps"

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, loop=loop, **smtp_kwargs),
        host="127.0.0.1", port=args.port, ssl=context if args.tls == "smtps" else None))

    stop = loop.stop
    loop.add_signal_handler(signal.SIGTERM, stop)
    loop.add_signal_handler(signal.SIGINT, stop)

    def stdin_readable():
        if not os.read(sys.stdin.fileno(), 4096):
            loop.remove_reader(sys.stdin.fileno())
            stop()
    try:
        loop.add_reader(sys.stdin.fileno(), stdin_readable)
    except (OSError, ValueError, PermissionError):
        pass  # standard input is not a pipe or terminal we can watch: SIGTERM still stops us

    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()


if __name__ == "__main__":
    main()
