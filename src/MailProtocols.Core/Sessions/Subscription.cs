using System;
using System.Threading;

namespace MailProtocols.Core.Sessions
{
    /// <summary>Runs an action once, on the first Dispose: the end of a subscription.</summary>
    internal sealed class Subscription : IDisposable
    {
        private Action _end;

        public Subscription(Action end) => _end = end;

        public void Dispose() => Interlocked.Exchange(ref _end, null)?.Invoke();
    }
}
