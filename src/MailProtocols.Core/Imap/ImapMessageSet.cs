using System.Collections.Generic;
using System.Linq;
using MailKit;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Operations;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Messages of one folder of one session, collected from the pipeline so that one command can act
    /// on all of them. <see cref="UidValidity"/> is known when the messages came as objects (and then
    /// guards against acting on a recreated folder), unknown for bare -Folder/-Uid input.
    /// </summary>
    internal sealed class ImapMessageSet
    {
        private readonly List<uint> _uids = new List<uint>();

        // Beside the list, which keeps the order: List.Contains made adding n UIDs quadratic.
        private readonly HashSet<uint> _seen = new HashSet<uint>();
        private readonly Dictionary<uint, ImapMessage> _messages = new Dictionary<uint, ImapMessage>();

        public ImapMessageSet(ImapSession session, string folder, uint? uidValidity)
        {
            Session = session;
            Folder = folder;
            UidValidity = uidValidity;
        }

        public ImapSession Session { get; }

        public string Folder { get; }

        public uint? UidValidity { get; }

        /// <summary>The UIDs in the order they arrived, without duplicates.</summary>
        public IReadOnlyList<uint> Uids => _uids;

        /// <summary>The message objects that came in, by UID (empty for -Uid input).</summary>
        public IDictionary<uint, ImapMessage> Messages => _messages;

        public IList<UniqueId> UniqueIds => _uids.Select(u => new UniqueId(u)).ToList();

        public void Add(uint uid)
        {
            if (_seen.Add(uid))
            {
                _uids.Add(uid);
            }
        }

        public void Add(ImapMessage message)
        {
            Add(message.Uid);
            _messages[message.Uid] = message;
        }

        /// <summary>
        /// Asks before each message ("message 42 in INBOX ('Subject')") and returns the approved ones as a set
        /// of their own, so the change still goes out as one command.
        /// </summary>
        public ImapMessageSet Approved(IOperationChannel channel, string action)
        {
            var approved = new ImapMessageSet(Session, Folder, UidValidity);
            foreach (uint uid in _uids)
            {
                string target = _messages.TryGetValue(uid, out ImapMessage message) && !string.IsNullOrEmpty(message.Subject)
                    ? $"message {uid} in {Folder} ('{message.Subject}')"
                    : $"message {uid} in {Folder}";
                if (channel.ShouldChange(target, action))
                {
                    if (message != null)
                    {
                        approved.Add(message);
                    }
                    else
                    {
                        approved.Add(uid);
                    }
                }
            }

            return approved;
        }

        /// <summary>A "not found" error for each UID the server did not return, naming the piped object where there is one.</summary>
        public void ReportMissing(IEnumerable<uint> missing, IOperationChannel channel)
        {
            foreach (uint uid in missing)
            {
                channel.Error(new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.MessageNotFound,
                    $"There is no message with UID {uid} in '{Folder}' (any more): it was expunged or moved. Search the folder again."),
                    _messages.TryGetValue(uid, out ImapMessage message) ? (object)message : uid);
            }
        }

        /// <summary>"message 42 in INBOX" or "3 messages in INBOX", for ShouldProcess and errors.</summary>
        public string Describe() => Describe(_uids.Count);

        public string Describe(int count) => count == 1
            ? $"message {_uids[0]} in {Folder}"
            : $"{count} messages in {Folder}";
    }

}
