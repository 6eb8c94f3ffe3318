using System;
using System.Collections.Generic;

namespace MailProtocols.Core.Operations
{
    /// <summary>How operations cut their work into commands: by count and, where messages are big, by size.</summary>
    internal static class Batching
    {
        /// <summary>Splits into runs of at most <paramref name="count"/> items and (unless one item is larger) <paramref name="bytes"/> octets.</summary>
        public static IEnumerable<T[]> BySize<T>(IEnumerable<T> items, Func<T, long> sizeOf, int count, long bytes)
        {
            var batch = new List<T>();
            long size = 0;
            foreach (T item in items)
            {
                long itemSize = sizeOf(item);
                if (batch.Count > 0 && (batch.Count == count || size + itemSize > bytes))
                {
                    yield return batch.ToArray();
                    batch.Clear();
                    size = 0;
                }

                batch.Add(item);
                size += itemSize;
            }

            if (batch.Count > 0)
            {
                yield return batch.ToArray();
            }
        }
    }
}
