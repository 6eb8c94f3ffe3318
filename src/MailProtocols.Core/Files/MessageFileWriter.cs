using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;

namespace MailProtocols.Core.Files
{
    /// <summary>
    /// Writes one downloaded message (through <see cref="AtomicFile"/>) under its name without ever
    /// replacing different content. If a file of that name exists, the download goes to the next free
    /// "name (n).eml" and is kept only if its bytes differ from the existing file; identical bytes mean
    /// the message is on disk already and the download is dropped.
    /// </summary>
    internal sealed class MessageFileWriter : IDisposable
    {
        private readonly AtomicFile _file;
        private readonly IncrementalHash _hash;

        public MessageFileWriter(string path)
        {
            TargetPath = Path.GetFullPath(path);
            bool taken = File.Exists(TargetPath) || Directory.Exists(TargetPath);
            string writePath = taken ? SafeFileName.UniquePath(Path.GetDirectoryName(TargetPath), Path.GetFileName(TargetPath)) : TargetPath;
            _file = new AtomicFile(writePath);
            _hash = File.Exists(TargetPath) ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        }

        /// <summary>The name the message should have.</summary>
        public string TargetPath { get; }

        public void Write(byte[] buffer, int count)
        {
            _file.Stream.Write(buffer, 0, count);
            _hash?.AppendData(buffer, 0, count);
        }

        /// <summary>
        /// Makes the message durable on disk and returns the file that holds it. <paramref name="note"/>
        /// says why that is not <see cref="TargetPath"/>, or is null.
        /// </summary>
        public string Commit(out string note)
        {
            note = null;
            if (_hash != null && SameContent(_hash.GetHashAndReset(), TargetPath))
            {
                return TargetPath;
            }

            _file.Commit(overwrite: false);
            if (_file.FinalPath != TargetPath)
            {
                note = $"'{TargetPath}' already exists with different content, so it was kept and this message was saved as '{_file.FinalPath}'.";
            }

            return _file.FinalPath;
        }

        public void Dispose()
        {
            _file.Dispose();
            _hash?.Dispose();
        }

        private static bool SameContent(byte[] hash, string path)
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920))
            using (SHA256 sha = SHA256.Create())
            {
                return sha.ComputeHash(stream).SequenceEqual(hash);
            }
        }
    }
}
