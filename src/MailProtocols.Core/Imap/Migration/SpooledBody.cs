using System;
using System.IO;
using System.Threading;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>
    /// One message's raw bytes between its FETCH and its APPEND: in memory when small, in a temporary file
    /// (deleted when disposed, or when the process ends) when large, so memory stays flat for any size.
    /// </summary>
    internal sealed class SpooledBody : IDisposable
    {
        private SpooledBody(Stream content)
        {
            Content = content;
        }

        /// <summary>The bytes, seekable, positioned at 0.</summary>
        public Stream Content { get; }

        public long Length => Content.Length;

        public static SpooledBody InMemory(Stream source, CancellationToken token)
        {
            var memory = new MemoryStream();
            source.CopyTo(memory, 81920);
            token.ThrowIfCancellationRequested();
            memory.Position = 0;
            return new SpooledBody(memory);
        }

        /// <summary>A temporary file to fill with <see cref="Append"/>; call <see cref="Rewind"/> before reading.</summary>
        public static SpooledBody OnDisk()
        {
            string path = Path.Combine(Path.GetTempPath(), "mailprotocols-copy-" + Guid.NewGuid().ToString("N") + ".eml");
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
            return new SpooledBody(file);
        }

        public void Append(Stream chunk) => chunk.CopyTo(Content, 81920);

        public void Rewind()
        {
            Content.Flush();
            Content.Position = 0;
        }

        public void Dispose() => Content.Dispose();
    }
}
