using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Search;
using MailKit.Security;

namespace MailProtocols.Bench
{
    /// <summary>
    /// Raw MailKit doing the benchmark's work with nothing in between: the ceiling the module is compared with.
    /// With --serve it reads operation names from stdin and answers each with one timed run as a "BENCH:" JSON
    /// line, so the bench can interleave it with the other clients. Otherwise each of --ops runs once to warm up
    /// and then --runs times, and the times go to stdout as one JSON object.
    /// The password comes from the BENCH_PASSWORD environment variable.
    /// </summary>
    internal static class Program
    {
        private const string AnswerPrefix = "BENCH:";

        private static int Main(string[] args)
        {
            BenchOptions options;
            try
            {
                options = BenchOptions.Parse(args);
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(BenchOptions.Usage);
                return 2;
            }

            using var bench = new RawBench(options);
            if (options.Serve)
            {
                Serve(bench);
                return 0;
            }

            var results = options.Operations.Select(bench.Measure).ToList();
            string mailKitVersion = typeof(ImapClient).Assembly.GetName().Version?.ToString();
            Console.WriteLine(JsonSerializer.Serialize(new { mailKit = mailKitVersion, framework = Environment.Version.ToString(), results }));
            return 0;
        }

        private static void Serve(RawBench bench)
        {
            string line;
            while ((line = Console.ReadLine()) != null && line != "quit")
            {
                object answer;
                try
                {
                    answer = bench.RunOnce(line.Trim());
                }
                catch (Exception ex)
                {
                    answer = new { Name = line.Trim(), Error = ex.Message };
                }

                Console.WriteLine(AnswerPrefix + JsonSerializer.Serialize(answer));
                Console.Out.Flush();
            }
        }
    }

    internal sealed class BenchOptions
    {
        public const string Usage = "RawMailKit --host <h> --imap-port <p> --pop3-port <p> --user <u> --out <dir> [--runs 5] [--pop3-batch 100] [--ops summaries,getstreams,getstream,pop3,pop3-single,resync,flags | --serve]  (password in BENCH_PASSWORD)";

        public string Host { get; private set; } = "localhost";

        public int ImapPort { get; private set; }

        public int Pop3Port { get; private set; }

        public string User { get; private set; }

        public string Password { get; private set; }

        public string OutputDirectory { get; private set; }

        public int Runs { get; private set; } = 5;

        public int Pop3BatchSize { get; private set; } = 100;

        public bool Serve { get; private set; }

        public IReadOnlyList<string> Operations { get; private set; } = new[] { "summaries", "getstreams", "getstream", "pop3", "resync", "flags" };

        public static BenchOptions Parse(string[] args)
        {
            var options = new BenchOptions { Password = Environment.GetEnvironmentVariable("BENCH_PASSWORD") };
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] == "--serve")
                {
                    options.Serve = true;
                    continue;
                }

                string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--host": options.Host = value; break;
                    case "--imap-port": options.ImapPort = int.Parse(value); break;
                    case "--pop3-port": options.Pop3Port = int.Parse(value); break;
                    case "--user": options.User = value; break;
                    case "--out": options.OutputDirectory = value; break;
                    case "--runs": options.Runs = int.Parse(value); break;
                    case "--pop3-batch": options.Pop3BatchSize = int.Parse(value); break;
                    case "--ops": options.Operations = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                    default: throw new ArgumentException($"Unknown option '{args[i]}'.");
                }

                i++;
            }

            if (options.User == null || options.Password == null || options.OutputDirectory == null || options.ImapPort == 0 || options.Pop3Port == 0)
            {
                throw new ArgumentException("--user, --out, --imap-port, --pop3-port and BENCH_PASSWORD are required.");
            }

            return options;
        }
    }

    internal sealed class OperationResult
    {
        public string Name { get; set; }

        public double[] Seconds { get; set; }

        public int Messages { get; set; }

        public long Bytes { get; set; }

        public double CpuSeconds { get; set; }

        public long AllocatedBytes { get; set; }
    }

    internal sealed class RawBench : IDisposable
    {
        // What a default Search-ImapFolder asks for (no BODYSTRUCTURE since issue 18), so the ratio compares like with like.
        private const MessageSummaryItems SummaryItems = MessageSummaryItems.Envelope | MessageSummaryItems.Flags | MessageSummaryItems.Size |
            MessageSummaryItems.InternalDate | MessageSummaryItems.UniqueId;

        private readonly BenchOptions _options;
        private ImapClient _imap;
        private Pop3Client _pop3;
        private int _lastCount;
        private long _lastBytes;

        public RawBench(BenchOptions options) => _options = options;

        /// <summary>A warm-up run, then --runs timed runs.</summary>
        public OperationResult Measure(string operation)
        {
            var seconds = new List<double>();
            for (int run = 0; run <= _options.Runs; run++)
            {
                OperationResult once = RunOnce(operation);
                if (run > 0)
                {
                    seconds.Add(once.Seconds[0]);
                }
            }

            return new OperationResult { Name = operation, Seconds = seconds.ToArray(), Messages = _lastCount, Bytes = _lastBytes };
        }

        /// <summary>One run: the untimed preparation (clean the output folder, close the folder, ...), then the timed work.</summary>
        public OperationResult RunOnce(string operation)
        {
            Action timed = operation switch
            {
                "summaries" => PrepareSummaries(),
                "getstreams" => PrepareDownload(operation, bulk: true),
                "getstream" => PrepareDownload(operation, bulk: false),
                "pop3" => PreparePop3(operation, pipelined: true),
                "pop3-single" => PreparePop3(operation, pipelined: false),
                "resync" => PrepareResync(),
                "flags" => PrepareFlags(),
                _ => throw new ArgumentException($"Unknown operation '{operation}'."),
            };

            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            long allocatedBefore = GC.GetTotalAllocatedBytes(true);
            var stopwatch = Stopwatch.StartNew();
            timed();
            stopwatch.Stop();
            return new OperationResult
            {
                Name = operation, Seconds = new[] { stopwatch.Elapsed.TotalSeconds }, Messages = _lastCount, Bytes = _lastBytes,
                CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds,
                AllocatedBytes = GC.GetTotalAllocatedBytes(true) - allocatedBefore,
            };
        }

        private ImapFolder Inbox(FolderAccess access)
        {
            if (_imap == null)
            {
                _imap = new ImapClient { CheckCertificateRevocation = false };
                _imap.Connect(_options.Host, _options.ImapPort, SecureSocketOptions.None);
                _imap.Authenticate(_options.User, _options.Password);
            }

            var inbox = (ImapFolder)_imap.Inbox;
            if (!inbox.IsOpen || (access == FolderAccess.ReadWrite && inbox.Access != FolderAccess.ReadWrite))
            {
                inbox.Open(access);
            }

            return inbox;
        }

        private string CleanDirectory(string name)
        {
            string path = Path.Combine(_options.OutputDirectory, name);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }

            Directory.CreateDirectory(path);
            return path;
        }

        private Action PrepareSummaries()
        {
            // The module's summaries run after its sync operations, which leave nothing selected, so its timed
            // part opens INBOX (EXAMINE); so does this one. A script's first command in a session does the same.
            ImapFolder inbox = Inbox(FolderAccess.ReadOnly);
            inbox.Close();
            return () =>
            {
                inbox.Open(FolderAccess.ReadOnly);
                IList<IMessageSummary> summaries = inbox.Fetch(0, -1, new FetchRequest(SummaryItems));
                _lastCount = summaries.Count;
                _lastBytes = summaries.Sum(s => (long)(s.Size ?? 0));
            };
        }

        private Action PrepareDownload(string name, bool bulk)
        {
            string directory = CleanDirectory(name);
            return () =>
            {
                ImapFolder inbox = Inbox(FolderAccess.ReadOnly);
                IList<UniqueId> uids = inbox.Search(SearchQuery.All);
                long bytes = 0;
                if (bulk)
                {
                    // One UID FETCH BODY.PEEK[] for the whole set; each body is handed over as it arrives.
                    inbox.GetStreams(uids, (folder, index, uid, stream) => bytes += WriteFile(directory, uid.Id.ToString(), stream));
                }
                else
                {
                    // The anti-pattern, for reference: one round trip per message.
                    foreach (UniqueId uid in uids)
                    {
                        using Stream stream = inbox.GetStream(uid);
                        bytes += WriteFile(directory, uid.Id.ToString(), stream);
                    }
                }

                _lastCount = uids.Count;
                _lastBytes = bytes;
            };
        }

        private Action PreparePop3(string name, bool pipelined)
        {
            string directory = CleanDirectory(name);
            if (_pop3 == null)
            {
                _pop3 = new Pop3Client { CheckCertificateRevocation = false };
                _pop3.Connect(_options.Host, _options.Pop3Port, SecureSocketOptions.None);
                _pop3.Authenticate(_options.User, _options.Password);
            }

            return () =>
            {
                int count = _pop3.Count;
                long bytes = 0;
                if (pipelined)
                {
                    // GetStreams pipelines RETR (PIPELINING) and buffers the batch in memory, so batches bound memory.
                    for (int start = 0; start < count; start += _options.Pop3BatchSize)
                    {
                        IList<Stream> streams = _pop3.GetStreams(start, Math.Min(_options.Pop3BatchSize, count - start));
                        for (int i = 0; i < streams.Count; i++)
                        {
                            using Stream stream = streams[i];
                            bytes += WriteFile(directory, (start + i + 1).ToString(), stream);
                        }
                    }
                }
                else
                {
                    for (int index = 0; index < count; index++)
                    {
                        using Stream stream = _pop3.GetStream(index);
                        bytes += WriteFile(directory, (index + 1).ToString(), stream);
                    }
                }

                _lastCount = count;
                _lastBytes = bytes;
            };
        }

        private Action PrepareResync()
        {
            // The floor of a no-change re-sync with CONDSTORE: SELECT, UID SEARCH ALL (to see expunges),
            // and a FLAGS fetch CHANGEDSINCE the mod-sequence of the last run, which returns nothing.
            ImapFolder inbox = Inbox(FolderAccess.ReadOnly);
            ulong known = inbox.HighestModSeq;
            inbox.Close();
            return () =>
            {
                inbox.Open(FolderAccess.ReadOnly);
                IList<UniqueId> uids = inbox.Search(SearchQuery.All);
                IList<IMessageSummary> changed = (_imap.Capabilities & ImapCapabilities.CondStore) != 0
                    ? inbox.Fetch(0, -1, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags) { ChangedSince = known })
                    : inbox.Fetch(0, -1, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags));
                if (changed.Count != 0 && (_imap.Capabilities & ImapCapabilities.CondStore) != 0)
                {
                    throw new InvalidOperationException($"{changed.Count} messages changed during a no-change re-sync.");
                }

                _lastCount = uids.Count;
                _lastBytes = 0;
            };
        }

        private Action PrepareFlags()
        {
            ImapFolder inbox = Inbox(FolderAccess.ReadWrite);
            IList<UniqueId> uids = inbox.Search(SearchQuery.All);
            return () =>
            {
                // \Flagged on every message and off again: one UID STORE each (MailKit sends the UIDs as ranges).
                inbox.Store(uids, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Flagged) { Silent = true });
                inbox.Store(uids, new StoreFlagsRequest(StoreAction.Remove, MessageFlags.Flagged) { Silent = true });
                _lastCount = uids.Count;
                _lastBytes = 0;
            };
        }

        private static long WriteFile(string directory, string name, Stream stream)
        {
            using var file = new FileStream(Path.Combine(directory, name + ".eml"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024);
            stream.CopyTo(file, 64 * 1024);
            return file.Length;
        }

        public void Dispose()
        {
            if (_imap != null)
            {
                if (_imap.IsConnected)
                {
                    _imap.Disconnect(true);
                }

                _imap.Dispose();
            }

            if (_pop3 != null)
            {
                if (_pop3.IsConnected)
                {
                    _pop3.Disconnect(true);
                }

                _pop3.Dispose();
            }
        }
    }
}
