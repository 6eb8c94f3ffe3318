using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Hands items from a worker thread to the enumerating thread in chunks, while the worker is still producing:
    /// MailKit parses one FETCH response after another on the worker while the caller maps and writes the ones
    /// already parsed. Chunks, not single items, so that the two threads meet a few dozen times per thousand items.
    /// </summary>
    internal sealed class Handoff<T>
    {
        private readonly object _gate = new object();
        private readonly Queue<List<T>> _ready = new Queue<List<T>>();
        private readonly int _chunkSize;
        private List<T> _filling;
        private long _published;
        private long _taken;
        private bool _completed;
        private bool _stopped;

        private Handoff(int chunkSize)
        {
            _chunkSize = chunkSize;
        }

        /// <summary>How many items the worker has made visible to the caller so far.</summary>
        public long Published
        {
            get
            {
                lock (_gate)
                {
                    return _published;
                }
            }
        }

        /// <summary>Whether the caller stopped enumerating (Select-Object -First, an error downstream, Ctrl+C).</summary>
        public bool Stopped
        {
            get
            {
                lock (_gate)
                {
                    return _stopped;
                }
            }
        }

        /// <summary>
        /// Runs <paramref name="produce"/> on a worker and enumerates what it adds, in order, a chunk at a time.
        /// A failure of the worker comes out after the chunks it published before failing. When the caller stops early,
        /// the worker is told (<see cref="Stopped"/>) and waited for, so that it never outlives the enumeration.
        /// </summary>
        public static IEnumerable<List<T>> Run(Action<Handoff<T>> produce, int chunkSize)
        {
            if (chunkSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(chunkSize));
            }

            var handoff = new Handoff<T>(chunkSize);
            Exception failure = null;
            Task worker = Task.Run(() =>
            {
                try
                {
                    produce(handoff);
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
                finally
                {
                    // What was added before a failure still goes out, ahead of the failure.
                    handoff.Publish();
                    handoff.Complete();
                }
            });

            try
            {
                List<T> chunk;
                while ((chunk = handoff.Take()) != null)
                {
                    yield return chunk;
                    handoff.MarkTaken(chunk.Count);
                }

                // Take ends only after the worker completed, and it sets the failure before that.
                if (failure != null)
                {
                    ExceptionDispatchInfo.Capture(failure).Throw();
                }
            }
            finally
            {
                // The worker catches everything, so this wait never throws.
                handoff.Stop();
                worker.Wait();
            }
        }

        /// <summary>Worker: adds an item; the caller sees it when its chunk is full or at the next <see cref="Publish"/>.</summary>
        public void Add(T item)
        {
            if (_filling == null)
            {
                _filling = new List<T>(_chunkSize);
            }

            _filling.Add(item);
            if (_filling.Count >= _chunkSize)
            {
                Publish();
            }
        }

        /// <summary>Worker: makes the items added so far visible now (at the end of a command, before waiting for anything).</summary>
        public void Publish()
        {
            if (_filling == null || _filling.Count == 0)
            {
                return;
            }

            lock (_gate)
            {
                _ready.Enqueue(_filling);
                _published += _filling.Count;
                Monitor.PulseAll(_gate);
            }

            _filling = null;
        }

        /// <summary>
        /// Worker: waits until the caller has finished with the first <paramref name="count"/> published items, or
        /// stopped. Never call it while holding something the caller may need (the session's lock).
        /// </summary>
        public void WaitUntilTaken(long count)
        {
            lock (_gate)
            {
                while (!_stopped && _taken < count)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        private List<T> Take()
        {
            lock (_gate)
            {
                while (_ready.Count == 0 && !_completed)
                {
                    Monitor.Wait(_gate);
                }

                return _ready.Count > 0 ? _ready.Dequeue() : null;
            }
        }

        private void MarkTaken(int count)
        {
            lock (_gate)
            {
                _taken += count;
                Monitor.PulseAll(_gate);
            }
        }

        private void Complete()
        {
            lock (_gate)
            {
                _completed = true;
                Monitor.PulseAll(_gate);
            }
        }

        private void Stop()
        {
            lock (_gate)
            {
                _stopped = true;
                Monitor.PulseAll(_gate);
            }
        }
    }
}
