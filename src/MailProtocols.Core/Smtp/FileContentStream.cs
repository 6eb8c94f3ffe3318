using System;
using System.IO;

namespace MailProtocols.Core.Smtp
{
    /// <summary>
    /// An attachment's file, opened only while it is being read and closed at its end, so a built message holds
    /// no open file and no copy of the content: a 20 MB attachment streams from disk each time the message is
    /// written (measured, sent, appended), and memory stays flat.
    /// </summary>
    internal sealed class FileContentStream : Stream
    {
        private readonly string _path;
        private readonly long _length;
        private FileStream _file;
        private long _position;

        public FileContentStream(string path)
        {
            _path = path;
            _length = new FileInfo(path).Length;
        }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position
        {
            get => _position;
            set => Seek(value, SeekOrigin.Begin);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_file == null)
            {
                _file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
                _file.Position = _position;
            }

            int read = _file.Read(buffer, offset, count);
            _position += read;
            if (read == 0)
            {
                CloseFile();
            }

            return read;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            long target = origin == SeekOrigin.Begin ? offset : origin == SeekOrigin.Current ? _position + offset : _length + offset;
            if (target < 0)
            {
                throw new IOException("Seek before the beginning of the attachment.");
            }

            _position = target;
            if (_file != null)
            {
                _file.Position = target;
            }

            return target;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                CloseFile();
            }

            base.Dispose(disposing);
        }

        private void CloseFile()
        {
            _file?.Dispose();
            _file = null;
        }
    }
}
