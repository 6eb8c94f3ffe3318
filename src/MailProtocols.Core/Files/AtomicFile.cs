using System;
using System.IO;

namespace MailProtocols.Core.Files
{
    /// <summary>
    /// Writes a file under a temporary name in the same folder and renames it into place only when it
    /// is complete and flushed to disk, so a crash or a dropped connection never leaves a partial file
    /// under the final name.
    /// </summary>
    public sealed class AtomicFile : IDisposable
    {
        /// <summary>The suffix of in-progress files; a leftover one is garbage from an interrupted run.</summary>
        public const string TemporarySuffix = ".partial";

        private readonly FileStream _stream;
        private bool _committed;

        public AtomicFile(string finalPath)
        {
            FinalPath = Path.GetFullPath(finalPath);
            TemporaryPath = FinalPath + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + TemporarySuffix;
            _stream = new FileStream(TemporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920);
        }

        public string FinalPath { get; }

        public string TemporaryPath { get; }

        public Stream Stream => _stream;

        /// <summary>Flushes to disk and renames into place. With <paramref name="overwrite"/> false an existing file wins and an IOException is thrown.</summary>
        public void Commit(bool overwrite)
        {
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            if (overwrite && File.Exists(FinalPath))
            {
                File.Delete(FinalPath);
            }

            File.Move(TemporaryPath, FinalPath);
            _committed = true;
        }

        /// <summary>Without a Commit, the temporary file is removed.</summary>
        public void Dispose()
        {
            try
            {
                _stream.Dispose();
            }
            catch (IOException)
            {
                // The buffered tail could not be flushed (a full disk): the file is abandoned anyway.
            }

            if (!_committed)
            {
                try
                {
                    File.Delete(TemporaryPath);
                }
                catch (IOException)
                {
                    // Nothing more can be done; the .partial suffix marks it as garbage.
                }
            }
        }
    }
}
