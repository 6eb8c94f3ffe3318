using System;
using System.IO;
using System.Security.Cryptography;

namespace MailProtocols.Core.Files
{
    /// <summary>
    /// Passes writes on to another stream and hashes them (SHA-256) on the way, so content can be compared with
    /// existing files without reading back a file that is still open for writing.
    /// </summary>
    internal sealed class HashingWriteStream : Stream
    {
        private readonly Stream _inner;
        private readonly SHA256 _sha = SHA256.Create();
        private byte[] _hash;

        public HashingWriteStream(Stream inner)
        {
            _inner = inner;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => BytesWritten;

        public override long Position
        {
            get => BytesWritten;
            set => throw new NotSupportedException();
        }

        public long BytesWritten { get; private set; }

        /// <summary>The SHA-256 of everything written; ends the hashing, so call it after the last write.</summary>
        public byte[] Hash
        {
            get
            {
                if (_hash == null)
                {
                    _sha.TransformFinalBlock(new byte[0], 0, 0);
                    _hash = _sha.Hash;
                }

                return _hash;
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            _inner.Write(buffer, offset, count);
            _sha.TransformBlock(buffer, offset, count, null, 0);
            BytesWritten += count;
        }

        public override void Flush() => _inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        /// <summary>The SHA-256 of a file on disk.</summary>
        public static byte[] HashOf(string path)
        {
            using (var sha = SHA256.Create())
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                return sha.ComputeHash(file);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _sha.Dispose();
            }

            // The inner stream belongs to the caller.
            base.Dispose(disposing);
        }
    }
}
