using System;
using System.IO;

namespace MailProtocols.Core.Diagnostics
{
    /// <summary>
    /// A pass-through stream under MailKit that notes which cipher suite the server picks in its TLS
    /// ServerHello. MailKit's netstandard build does not expose the negotiated suite (and SslStream only
    /// does on newer runtimes), but the ServerHello carries it in clear text on every TLS version.
    /// </summary>
    internal sealed class ServerHelloObserver : Stream
    {
        private const byte HandshakeRecord = 0x16;
        private const byte ServerHelloMessage = 0x02;

        // Record header (5) + handshake header (4) + version (2) + random (32) + session id (1 + up to 32) + suite (2).
        private readonly byte[] _hello = new byte[78];
        private readonly Stream _inner;
        private int _helloLength;
        private bool _clientHelloSent;
        private bool _done;

        public ServerHelloObserver(Stream inner)
        {
            _inner = inner;
        }

        /// <summary>The IANA number of the cipher suite the server chose; null before a ServerHello was seen.</summary>
        public ushort? CipherSuite { get; private set; }

        public override bool CanRead => _inner.CanRead;

        public override bool CanWrite => _inner.CanWrite;

        public override bool CanSeek => false;

        public override bool CanTimeout => _inner.CanTimeout;

        public override int ReadTimeout
        {
            get => _inner.ReadTimeout;
            set => _inner.ReadTimeout = value;
        }

        public override int WriteTimeout
        {
            get => _inner.WriteTimeout;
            set => _inner.WriteTimeout = value;
        }

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = _inner.Read(buffer, offset, count);
            if (_clientHelloSent && !_done && read > 0)
            {
                Observe(buffer, offset, read);
            }

            return read;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            // Mail protocol commands are text, so the first write that starts a TLS handshake record is the ClientHello.
            if (!_clientHelloSent && count > 0 && buffer[offset] == HandshakeRecord)
            {
                _clientHelloSent = true;
            }

            _inner.Write(buffer, offset, count);
        }

        public override void Flush() => _inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Observe(byte[] buffer, int offset, int count)
        {
            int take = Math.Min(count, _hello.Length - _helloLength);
            Array.Copy(buffer, offset, _hello, _helloLength, take);
            _helloLength += take;

            CipherSuite = TryParse(_hello, _helloLength, out bool complete);
            _done = complete || _helloLength == _hello.Length;
        }

        /// <summary>
        /// Reads the cipher suite from the start of the server's first TLS record. <paramref name="complete"/>
        /// is true once the answer is known, including "this is not a ServerHello" (an alert, say).
        /// </summary>
        internal static ushort? TryParse(byte[] data, int length, out bool complete)
        {
            complete = true;
            if (length >= 1 && data[0] != HandshakeRecord)
            {
                return null;
            }

            if (length >= 6 && data[5] != ServerHelloMessage)
            {
                return null;
            }

            if (length < 44)
            {
                complete = false;
                return null;
            }

            int recordLength = (data[3] << 8) | data[4];
            int suiteAt = 44 + data[43];
            if (suiteAt + 2 > 5 + recordLength)
            {
                // The ServerHello is split over records: too unusual to chase.
                return null;
            }

            if (length < suiteAt + 2)
            {
                complete = false;
                return null;
            }

            return (ushort)((data[suiteAt] << 8) | data[suiteAt + 1]);
        }
    }
}
