using System.Collections.Generic;
using System.Threading.Tasks;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Fetches the next batch while the caller is still writing out the current one, so the network and
    /// the PowerShell pipeline work at the same time instead of taking turns.
    /// </summary>
    internal static class ReadAhead
    {
        /// <summary>
        /// Enumerates <paramref name="batches"/> one item ahead: the first item is produced on the calling
        /// thread, every later one on a worker thread while the caller handles the previous one.
        /// Only for sources whose items each take the session lock themselves (such as
        /// <see cref="ImapMessageReader.FetchSummaries"/>) and that are not enumerated while the caller
        /// holds that lock: the worker would wait for it for ever.
        /// A failure comes out where the failing item would have, after the items before it.
        /// </summary>
        public static IEnumerable<T> Of<T>(IEnumerable<T> batches)
        {
            using (IEnumerator<T> source = batches.GetEnumerator())
            {
                if (!source.MoveNext())
                {
                    yield break;
                }

                Task<bool> next = null;
                try
                {
                    while (true)
                    {
                        T current = source.Current;
                        next = Task.Run(() => source.MoveNext());
                        yield return current;
                        bool more = next.GetAwaiter().GetResult();
                        next = null;
                        if (!more)
                        {
                            yield break;
                        }
                    }
                }
                finally
                {
                    // The caller stopped early (Select-Object -First, Ctrl+C, an error): let the batch in
                    // flight finish before the source is disposed; cancelling it would cost the connection.
                    if (next != null)
                    {
                        try
                        {
                            next.Wait();
                        }
                        catch (System.AggregateException)
                        {
                            // Its failure no longer matters to anyone.
                        }
                    }
                }
            }
        }
    }
}
