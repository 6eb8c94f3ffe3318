#!/usr/bin/env python3
"""idp.py - a local identity provider on 127.0.0.1 that answers what MSAL asks of a custom authority.

Usage: idp.py --config FILE --log FILE --cert PEM --key PEM --passwd FILE [--kick CMD] [--lifetime S] [--parent-pid P]

HTTPS (the test bed's CA-signed localhost certificate) on a port the OS chooses, printed as the first line.
Authority: https://127.0.0.1:<port>/<tenant>. Endpoints:
  POST /<tenant>/oauth2/v2.0/devicecode   device code for a public client
  POST /<tenant>/oauth2/v2.0/token        grants device_code, refresh_token, client_credentials
                                          (client_secret, or a client_assertion JWT signed with the app's
                                          certificate, verified with openssl)
  GET  /_test/pending                     device codes waiting for a sign-in: [{user_code, client_id}]
  GET  /_test/issued                      every access and refresh token issued (for the secrets tests)
  POST /_test/approve {user_code, username}  the user "signs in" for that code
The config file (JSON, re-read on every request) holds
  {"tenant", "lifetime", "apps": {client_id: {"public", "secret", "certificate" (PEM path), "error" (AADSTS
  number), "mailboxes" (app-only: mailboxes the app may open)}}, "access": {user: [shared mailboxes]}}.
Every access token is a JWT-shaped string (not signed) with aud, scp or roles, exp; it is written to --passwd
(Dovecot passwd-file, user:{PLAIN}token) for the account and the mailboxes it may open, and removed when it
expires; with --kick the expired account's sessions are kicked ("doveadm kick"), as Exchange Online ends a
session whose token expired. --log gets one JSON line per request and grant; no token or secret is written.
"""

import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import shlex
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

LOCK = threading.RLock()
STATE = {'codes': {}, 'refresh': {}, 'tokens': {}, 'stamp': 0, 'issued': []}
ARGS = None


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def unb64url(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def jwt(claims, header=None):
    header = header or {'alg': 'none', 'typ': 'JWT'}
    return b64url(json.dumps(header).encode()) + '.' + b64url(json.dumps(claims).encode()) + '.' + b64url(secrets.token_bytes(32))


def record(**event):
    event['time'] = time.time()
    with LOCK, open(ARGS.log, 'a', encoding='utf-8') as f:
        f.write(json.dumps(event) + '\n')


def config():
    with open(ARGS.config, encoding='utf-8') as f:
        return json.load(f)


def write_passwd():
    """Rewrites the passwd-file with the live tokens; strictly increasing mtimes so Dovecot re-reads it."""
    with LOCK:
        lines = ''.join(f'{box}:{{PLAIN}}{entry["token"]}::::::\n' for box, entry in STATE['tokens'].items())
        stamp = max(int(time.time()), STATE['stamp'] + 1)
        STATE['stamp'] = stamp
        directory = os.path.dirname(ARGS.passwd)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix='.idp-')
        with os.fdopen(fd, 'w') as f:
            f.write(lines)
        os.chmod(tmp, 0o644)
        os.utime(tmp, (stamp, stamp))
        os.replace(tmp, ARGS.passwd)
    # Dovecot looks at a passwd-file at most once a second: answer only once the new one can be seen.
    while time.time() < stamp + 1.05:
        time.sleep(0.05)


def expire_loop():
    while True:
        time.sleep(0.25)
        now = time.time()
        with LOCK:
            expired = [box for box, entry in STATE['tokens'].items() if entry['exp'] <= now]
            for box in expired:
                del STATE['tokens'][box]
        if expired:
            write_passwd()
            for box in expired:
                record(event='expired', mailbox=box)
                if ARGS.kick:
                    subprocess.run(shlex.split(ARGS.kick) + [box], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if ARGS.parent_pid and not os.path.exists(f'/proc/{ARGS.parent_pid}'):
            os._exit(0)


def resource_of(scopes):
    for scope in scopes:
        if '://' in scope:
            parsed = urllib.parse.urlparse(scope)
            return f'{parsed.scheme}://{parsed.netloc}', parsed.path.strip('/')
    return 'https://outlook.office.com', ''


def issue(cfg, client_id, scopes, account=None):
    """An access token for the account (delegated) or the app (account None), registered for its mailboxes."""
    lifetime = int(cfg.get('lifetime', 3600))
    now = int(time.time())
    audience, permission = resource_of(scopes)
    claims = {'aud': audience, 'iss': f'https://sts.windows.net/{cfg["tenant"]}/', 'iat': now, 'nbf': now,
              'exp': now + lifetime, 'appid': client_id, 'tid': cfg['tenant']}
    if account:
        claims.update({'scp': ' '.join(s.split('/')[-1] for s in scopes if '://' in s), 'upn': account,
                       'oid': account_oid(account)})
        boxes = [account] + list(cfg.get('access', {}).get(account, []))
    else:
        claims.update({'roles': ['IMAP.AccessAsApp', 'POP.AccessAsApp', 'SMTP.SendAsApp'], 'oid': account_oid(client_id)})
        boxes = list(cfg['apps'][client_id].get('mailboxes', []))
    token = jwt(claims)
    with LOCK:
        STATE['issued'].append(token)
    if audience.startswith('https://outlook.'):
        with LOCK:
            for box in boxes:
                STATE['tokens'][box] = {'token': token, 'exp': now + lifetime}
        write_passwd()
    answer = {'token_type': 'Bearer', 'scope': ' '.join(scopes), 'expires_in': lifetime, 'ext_expires_in': lifetime,
              'access_token': token}
    return answer, claims


def account_oid(name):
    h = hashlib.sha256(name.encode()).hexdigest()
    return f'{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}'


def delegated(cfg, client_id, scopes, account):
    answer, claims = issue(cfg, client_id, scopes, account)
    oid, tid = claims['oid'], cfg['tenant']
    refresh = secrets.token_urlsafe(32)
    with LOCK:
        STATE['issued'].append(refresh)
    with LOCK:
        STATE['refresh'][refresh] = {'client_id': client_id, 'account': account, 'scopes': scopes}
    now = int(time.time())
    answer.update({
        'refresh_token': refresh,
        'client_info': b64url(json.dumps({'uid': oid, 'utid': tid}).encode()),
        'id_token': jwt({'aud': client_id, 'iss': f'https://127.0.0.1/{tid}/v2.0', 'iat': now, 'nbf': now, 'exp': now + 3600,
                         'name': account, 'oid': oid, 'preferred_username': account, 'sub': oid, 'tid': tid, 'ver': '2.0'}),
    })
    return answer, claims


def aadsts(code, description, status=400, error='invalid_request'):
    text = f'AADSTS{code}: {description} Trace ID: {secrets.token_hex(8)} Correlation ID: {secrets.token_hex(8)} Timestamp: now'
    return status, {'error': error, 'error_description': text, 'error_codes': [int(code)], 'suberror': ''}


APP_ERRORS = {
    '700016': ('Application with identifier was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.', 'unauthorized_client'),
    '7000218': ("The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 'invalid_client'),
    '65001': ('The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.', 'invalid_grant'),
}


def app_error(cfg, client_id, stage):
    app = cfg.get('apps', {}).get(client_id)
    if app is None:
        return aadsts('700016', APP_ERRORS['700016'][0], error='unauthorized_client')
    code = str(app.get('error') or '')
    # 700016 already at the device code; the others at the token endpoint, as Entra ID answers them.
    if code in APP_ERRORS and (stage == 'token' or code == '700016'):
        return aadsts(code, APP_ERRORS[code][0], error=APP_ERRORS[code][1])
    return None


def verify_assertion(assertion, app, token_url):
    """The client assertion must be signed (RS256 or PS256) by the app's certificate and name it in x5t."""
    try:
        head_b64, body_b64, sig_b64 = assertion.split('.')
        header = json.loads(unb64url(head_b64))
        body = json.loads(unb64url(body_b64))
        pem = open(app['certificate'], 'rb').read()
        der = ssl.PEM_cert_to_DER_cert(pem.decode())
        if 'x5t#S256' in header:
            if header['x5t#S256'] != b64url(hashlib.sha256(der).digest()):
                return 'x5t#S256 does not match'
        elif header.get('x5t') != b64url(hashlib.sha1(der).digest()):
            return 'x5t does not match'
        if float(body.get('exp', 0)) < time.time() or body.get('iss') != body.get('sub'):
            return 'expired or iss != sub'
        with tempfile.TemporaryDirectory() as d:
            for name, data in (('cert.pem', pem), ('data', f'{head_b64}.{body_b64}'.encode()), ('sig', unb64url(sig_b64))):
                with open(os.path.join(d, name), 'wb') as f:
                    f.write(data)
            pub = subprocess.run(['openssl', 'x509', '-in', os.path.join(d, 'cert.pem'), '-pubkey', '-noout'], capture_output=True, check=True).stdout
            with open(os.path.join(d, 'pub.pem'), 'wb') as f:
                f.write(pub)
            command = ['openssl', 'dgst', '-sha256', '-verify', os.path.join(d, 'pub.pem'), '-signature', os.path.join(d, 'sig')]
            if header.get('alg') == 'PS256':
                command += ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:-1']
            result = subprocess.run(command + [os.path.join(d, 'data')], capture_output=True)
            return None if result.returncode == 0 else 'bad signature'
    except Exception as ex:  # noqa: BLE001 - any malformed assertion is a refusal
        return f'malformed ({type(ex).__name__}: {ex})'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json; charset=utf-8')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def form(self):
        length = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(length).decode()
        if self.headers.get('Content-Type', '').startswith('application/json'):
            return json.loads(raw or '{}')
        return {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}

    def do_GET(self):
        record(event='request', method='GET', path=self.path.split('?')[0])
        if self.path == '/_test/pending':
            with LOCK:
                pending = [{'user_code': c['user_code'], 'client_id': c['client_id']} for c in STATE['codes'].values() if not c['account']]
            return self.answer(200, pending)
        if self.path == '/_test/issued':
            # For the secrets tests: every access and refresh token issued, to look for them where they must not be.
            with LOCK:
                return self.answer(200, list(STATE['issued']))
        return self.answer(404, {'error': 'not_found'})

    def do_POST(self):
        path = self.path.split('?')[0]
        record(event='request', method='POST', path=path)
        form = self.form()
        cfg = config()
        if path == '/_test/approve':
            with LOCK:
                for code in STATE['codes'].values():
                    if code['user_code'] == form.get('user_code'):
                        code['account'] = form['username']
                        record(event='approved', user_code=code['user_code'], account=form['username'])
                        return self.answer(200, {'ok': True})
            return self.answer(404, {'error': 'unknown user_code'})

        prefix = f'/{cfg["tenant"]}/oauth2/v2.0/'
        if not path.startswith(prefix):
            return self.answer(404, {'error': 'not_found'})
        endpoint = path[len(prefix):]
        client_id = form.get('client_id', '')
        scopes = form.get('scope', '').split()
        if endpoint == 'devicecode':
            failure = app_error(cfg, client_id, 'devicecode')
            if failure:
                record(event='error', endpoint='devicecode', client_id=client_id, code=failure[1]['error_codes'][0])
                return self.answer(*failure)
            device, user = secrets.token_urlsafe(24), secrets.token_hex(4).upper()
            with LOCK:
                STATE['codes'][device] = {'user_code': user, 'client_id': client_id, 'scopes': scopes, 'account': None}
            record(event='devicecode', client_id=client_id, scope=' '.join(scopes), user_code=user)
            uri = f'https://127.0.0.1:{self.server.server_address[1]}/devicelogin'
            return self.answer(200, {'user_code': user, 'device_code': device, 'verification_uri': uri, 'expires_in': 900, 'interval': 1,
                                     'message': f'To sign in, use a web browser to open the page {uri} and enter the code {user} to authenticate.'})
        if endpoint != 'token':
            return self.answer(404, {'error': 'not_found'})

        grant = form.get('grant_type', '')
        failure = app_error(cfg, client_id, 'token')
        if failure:
            with LOCK:
                STATE['codes'].pop(form.get('device_code'), None)
            record(event='error', endpoint='token', grant=grant, client_id=client_id, code=failure[1]['error_codes'][0])
            return self.answer(*failure)
        app = cfg['apps'][client_id]
        if grant in ('device_code', 'urn:ietf:params:oauth:grant-type:device_code'):
            with LOCK:
                code = STATE['codes'].get(form.get('device_code'))
                if code is None:
                    return self.answer(*aadsts('70019', 'Verification code expired.', error='expired_token'))
                if not code['account']:
                    return self.answer(400, {'error': 'authorization_pending', 'error_description': 'AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.'})
                del STATE['codes'][form['device_code']]
            answer, claims = delegated(cfg, client_id, scopes or code['scopes'], code['account'])
        elif grant == 'refresh_token':
            with LOCK:
                old = STATE['refresh'].pop(form.get('refresh_token', ''), None)
            if old is None or old['client_id'] != client_id:
                return self.answer(*aadsts('70000', 'The provided value for the input parameter refresh_token is not valid.', error='invalid_grant'))
            answer, claims = delegated(cfg, client_id, scopes or old['scopes'], old['account'])
        elif grant == 'client_credentials':
            how = None
            if form.get('client_secret') is not None:
                if form['client_secret'] != app.get('secret'):
                    return self.answer(*aadsts('7000215', 'Invalid client secret provided.', 401, 'invalid_client'))
                how = 'secret'
            elif form.get('client_assertion') and app.get('certificate'):
                problem = verify_assertion(form['client_assertion'], app, path)
                if problem:
                    record(event='error', endpoint='token', grant=grant, client_id=client_id, problem=problem)
                    return self.answer(*aadsts('700027', f'Client assertion failed signature validation ({problem}).', 401, 'invalid_client'))
                how = 'certificate'
            else:
                return self.answer(*aadsts('7000218', APP_ERRORS['7000218'][0], error='invalid_client'))
            answer, claims = issue(cfg, client_id, scopes)
            record(event='grant', grant=grant, credential=how, client_id=client_id, aud=claims['aud'], exp=claims['exp'], scope=' '.join(scopes))
            return self.answer(200, answer)
        else:
            return self.answer(400, {'error': 'unsupported_grant_type'})
        record(event='grant', grant=grant, client_id=client_id, account=claims.get('upn'), aud=claims['aud'], exp=claims['exp'], scope=answer['scope'])
        return self.answer(200, answer)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument('--config', required=True)
    p.add_argument('--log', required=True)
    p.add_argument('--cert', required=True)
    p.add_argument('--key', required=True)
    p.add_argument('--passwd', required=True)
    p.add_argument('--kick')
    p.add_argument('--lifetime', type=float, default=900)
    p.add_argument('--parent-pid', type=int)
    ARGS = p.parse_args()
    server = Server(('127.0.0.1', 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(ARGS.cert, ARGS.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    threading.Thread(target=expire_loop, daemon=True).start()
    threading.Timer(ARGS.lifetime, lambda: os._exit(0)).start()
    server.serve_forever()


if __name__ == '__main__':
    sys.exit(main())
