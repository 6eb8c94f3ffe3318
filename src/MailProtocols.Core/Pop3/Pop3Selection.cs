using System.Collections.Generic;
using System.Linq;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Pop3
{
    /// <summary>
    /// Collects the messages a Save/Remove command is given in ProcessRecord (objects, numbers, UIDLs, or
    /// everything) and resolves them per session in EndProcessing, reporting one error per item that cannot be
    /// resolved safely: a closed session, a UIDL no longer at its number, a number or UIDL that does not exist.
    /// </summary>
    internal sealed class Pop3Selection
    {
        /// <summary>Stands for "every message of the session" (no selection given).</summary>
        private static readonly object Everything = new object();

        private readonly List<KeyValuePair<Pop3Session, object>> _requests = new List<KeyValuePair<Pop3Session, object>>();

        public bool IsEmpty => _requests.Count == 0;

        /// <summary>The sessions named so far, in the order they first appeared.</summary>
        public IReadOnlyList<Pop3Session> Sessions => _requests.Select(r => r.Key).Distinct().ToList();

        public void AddMessages(Pop3Session session, IEnumerable<Pop3Message> messages) => Add(session, messages);

        public void AddIndexes(Pop3Session session, IEnumerable<int> indexes) => Add(session, indexes.Cast<object>());

        public void AddUids(Pop3Session session, IEnumerable<string> uids) => Add(session, uids);

        public void AddAll(Pop3Session session) => Add(session, new[] { Everything });

        /// <summary>The targets of one session, each message once; what cannot be resolved is an error on the channel.</summary>
        public IReadOnlyList<Pop3Target> Resolve(Pop3Session session, IOperationChannel channel)
        {
            Pop3Maildrop maildrop = session.Maildrop;
            var targets = new List<Pop3Target>();
            var seen = new HashSet<int>();
            foreach (object key in _requests.Where(r => r.Key == session).Select(r => r.Value))
            {
                try
                {
                    switch (key)
                    {
                        case Pop3Message message:
                            Add(targets, seen, new Pop3Target(session, maildrop.ForMessage(message, channel.Cancellation), message));
                            break;
                        case int index:
                            Add(targets, seen, new Pop3Target(session, maildrop.ByIndex(index, channel.Cancellation), null));
                            break;
                        case string uid:
                            Add(targets, seen, new Pop3Target(session, maildrop.ByUid(uid, channel.Cancellation), null));
                            break;
                        default:
                            foreach (Pop3Item item in maildrop.All(channel.Cancellation))
                            {
                                Add(targets, seen, new Pop3Target(session, item, null));
                            }

                            break;
                    }
                }
                catch (MailProtocolException ex)
                {
                    channel.Error(ex, key == Everything ? session : key);
                }
            }

            return targets;
        }

        private void Add(Pop3Session session, IEnumerable<object> keys)
        {
            foreach (object key in keys)
            {
                if (key != null)
                {
                    _requests.Add(new KeyValuePair<Pop3Session, object>(session, key));
                }
            }
        }

        private static void Add(List<Pop3Target> targets, HashSet<int> seen, Pop3Target target)
        {
            if (seen.Add(target.Item.Index))
            {
                targets.Add(target);
            }
        }
    }
}
