#!/usr/bin/env python3
"""Writes a corpus of broken messages (CRLF) into the given folder, one .eml per case.

Each case is something real mail servers deliver now and then; the module must parse, import,
search and save every one of them without hanging or crashing, and with at most one error each.
"""
import os
import sys

CRLF = '\r\n'


def msg(headers, body=''):
    text = CRLF.join(headers) + CRLF + CRLF + body
    return text.replace('\r\n', '\n').replace('\n', CRLF).encode('utf-8', 'surrogateescape')


def cases():
    base = ['From: Sender <sender@example.test>', 'To: rcpt@example.test', 'Date: Mon, 2 Nov 2026 10:00:00 +0000']
    yield 'truncated', msg(base + ['Subject: truncated', 'MIME-Version: 1.0',
                                   'Content-Type: multipart/mixed; boundary="b1"'],
                           '--b1\nContent-Type: text/plain\n\nhello\n--b1\nContent-Type: application/pdf; name="cut.pdf"\n'
                           'Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJcfs')
    yield 'bad-boundary', msg(base + ['Subject: bad boundary', 'MIME-Version: 1.0',
                                      'Content-Type: multipart/mixed; boundary="declared"'],
                              '--other\nContent-Type: text/plain\n\nnever the declared boundary\n--other--\n')
    yield 'no-closing-boundary', msg(base + ['Subject: no closing boundary', 'MIME-Version: 1.0',
                                             'Content-Type: multipart/alternative; boundary="x"'],
                                     '--x\nContent-Type: text/plain\n\nplain\n--x\nContent-Type: text/html\n\n<p>html</p>\n')
    depth = 10000
    nested = ''.join('--n%d\nContent-Type: multipart/mixed; boundary="n%d"\n\n' % (i, i + 1) for i in range(depth))
    nested += '--n%d\nContent-Type: text/plain\n\ndeep\n' % depth
    nested += ''.join('--n%d--\n' % i for i in range(depth, -1, -1))
    yield 'nested-10000', msg(base + ['Subject: nested 10000', 'MIME-Version: 1.0',
                                      'Content-Type: multipart/mixed; boundary="n0"'], nested)
    siblings = ''.join('--s\nContent-Type: text/plain; name="p%d.txt"\nContent-Disposition: attachment; filename="p%d.txt"\n\npart %d\n' % (i, i, i)
                       for i in range(10000)) + '--s--\n'
    yield 'siblings-10000', msg(base + ['Subject: 10000 parts', 'MIME-Version: 1.0',
                                        'Content-Type: multipart/mixed; boundary="s"'], siblings)
    yield 'unknown-charset', msg(base + ['Subject: =?x-unknown-42?Q?caf=E9?=', 'MIME-Version: 1.0',
                                         'Content-Type: text/plain; charset="x-unknown-42"'], 'caf\xe9 au lait\n'.encode('latin-1').decode('utf-8', 'surrogateescape'))
    yield 'broken-base64', msg(base + ['Subject: broken base64', 'MIME-Version: 1.0',
                                       'Content-Type: multipart/mixed; boundary="b"'],
                               '--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!not*base64@@@\n'
                               '--b\nContent-Type: application/octet-stream; name="bad.bin"\nContent-Disposition: attachment; filename="bad.bin"\n'
                               'Content-Transfer-Encoding: base64\n\nQUJD$$$REVG====\n--b--\n')
    yield 'headers-only', (CRLF.join(base + ['Subject: headers only, no body', 'X-Note: there is no blank line']) + CRLF).encode()
    yield 'no-headers', b'just some text without any header' + CRLF.encode()
    yield 'eight-bit-garbage', msg(base + ['Subject: \xff\xfe raw 8-bit', 'Content-Type: text/plain'],
                                   bytes(range(128, 256)).decode('latin-1') + '\n')
    long_line = 'x' * 200000
    yield 'huge-header-line', msg(base + ['Subject: long header', 'X-Long: ' + long_line], 'body\n')


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in cases():
        with open(os.path.join(out, name + '.eml'), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
