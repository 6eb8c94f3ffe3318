using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Commands
{
    /// <summary>
    /// The open sessions of one runspace, and the default session of each protocol.
    /// Kept per runspace (not in a global variable) so parallel runspaces never share sessions by accident.
    /// </summary>
    internal sealed class SessionRegistry
    {
        private static readonly ConditionalWeakTable<Runspace, SessionRegistry> PerRunspace = new ConditionalWeakTable<Runspace, SessionRegistry>();

        private readonly List<MailSession> _sessions = new List<MailSession>();
        private readonly Dictionary<MailProtocol, MailSession> _defaults = new Dictionary<MailProtocol, MailSession>();
        private int _lastId;

        /// <summary>The registry of the runspace this pipeline runs in.</summary>
        public static SessionRegistry Current => PerRunspace.GetValue(Runspace.DefaultRunspace, _ => new SessionRegistry());

        public IReadOnlyList<MailSession> Sessions
        {
            get
            {
                lock (_sessions)
                {
                    return _sessions.ToArray();
                }
            }
        }

        public void Add(MailSession session, bool makeDefault)
        {
            lock (_sessions)
            {
                session.Id = ++_lastId;
                _sessions.Add(session);
                if (makeDefault || !_defaults.ContainsKey(session.Protocol))
                {
                    _defaults[session.Protocol] = session;
                }
            }
        }

        public void Remove(MailSession session)
        {
            lock (_sessions)
            {
                _sessions.Remove(session);
                if (_defaults.TryGetValue(session.Protocol, out MailSession current) && current == session)
                {
                    // The newest remaining session of the protocol takes over, as if it had just connected.
                    MailSession next = _sessions.LastOrDefault(s => s.Protocol == session.Protocol);
                    if (next == null)
                    {
                        _defaults.Remove(session.Protocol);
                    }
                    else
                    {
                        _defaults[session.Protocol] = next;
                    }
                }
            }
        }

        /// <summary>Ends every session of this runspace (the module is being removed) and forgets them.</summary>
        public void EndAll()
        {
            MailSession[] sessions;
            lock (_sessions)
            {
                sessions = _sessions.ToArray();
                _sessions.Clear();
                _defaults.Clear();
            }

            foreach (MailSession session in sessions)
            {
                session.End();
            }
        }

        public TSession GetDefault<TSession>(MailProtocol protocol)
            where TSession : MailSession
        {
            lock (_sessions)
            {
                return _defaults.TryGetValue(protocol, out MailSession session) ? (TSession)session : null;
            }
        }
    }
}
