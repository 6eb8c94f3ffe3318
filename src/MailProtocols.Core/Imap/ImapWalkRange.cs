using System;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// One range of an <see cref="ImapFolderWalk"/>, put in output order while its FETCH responses arrive. Ascending, a
    /// message goes out as soon as it and every number below it in the range are complete, so the pipeline works while
    /// MailKit still parses the rest. Descending, the range goes out at the end, top first. Nothing goes out unless the
    /// anchor (the number the previous range ended at) holds the message written last. Otherwise the numbers shifted
    /// (a message expunged below the anchor moves another one onto its number) and the caller goes on by UID.
    /// </summary>
    internal sealed class ImapWalkRange<T>
    {
        private readonly int _low;
        private readonly int _anchor;
        private readonly uint? _edge;
        private readonly bool _descending;
        private readonly Action<T> _release;
        private readonly Slot[] _slots;
        private int _next;
        private bool? _anchorHolds;

        /// <param name="low">The first message number of the range (0-based).</param>
        /// <param name="high">The last message number of the range.</param>
        /// <param name="anchor">The number fetched with the range to check the previous one (<see cref="ImapFolderWalk.Anchor"/>), or -1.</param>
        /// <param name="edge">The UID written last; the anchor must hold it.</param>
        /// <param name="descending">Top first, all at the end.</param>
        /// <param name="release">Called with each message that goes out, in output order.</param>
        public ImapWalkRange(int low, int high, int anchor, uint? edge, bool descending, Action<T> release)
        {
            if (high < low)
            {
                throw new ArgumentOutOfRangeException(nameof(high));
            }

            _low = low;
            _anchor = anchor;
            _edge = edge;
            _descending = descending;
            _release = release ?? throw new ArgumentNullException(nameof(release));
            _slots = new Slot[high - low + 1];
        }

        /// <summary>How many of the range's messages went out so far.</summary>
        public int Released { get; private set; }

        /// <summary>
        /// A FETCH response for message number <paramref name="index"/> was parsed: its UID (0 when the response
        /// carried none, as an unsolicited flag update may) and whether it holds every item asked for. What may go out
        /// now goes out.
        /// </summary>
        public void Arrived(int index, uint uid, bool complete, T item)
        {
            if (index == _anchor)
            {
                if (uid != 0)
                {
                    _anchorHolds = uid == _edge;
                }

                ReleaseReady();
                return;
            }

            int at = index - _low;
            if (at < _next || at >= _slots.Length || (_slots[at].Complete && !complete))
            {
                // Outside the range, already out, or an unsolicited flag update (a summary of its own) after the
                // message's own response.
                return;
            }

            _slots[at] = new Slot(uid, complete, item);
            ReleaseReady();
        }

        /// <summary>
        /// The FETCH ended: the rest of the range goes out in output order (only messages whose UID is known).
        /// -> whether the numbers still held; when they did not, nothing of the range went out.
        /// </summary>
        public bool Finish()
        {
            if (AnchorHolds)
            {
                for (int i = 0; i < _slots.Length - _next; i++)
                {
                    Slot slot = _slots[_descending ? _slots.Length - 1 - i : _next + i];
                    if (slot.Arrived && slot.Uid != 0)
                    {
                        Release(slot.Item);
                    }
                }
            }

            _next = _slots.Length;
            return Released > 0;
        }

        private bool AnchorHolds => _anchor < 0 || _anchorHolds == true;

        private void ReleaseReady()
        {
            if (_descending || !AnchorHolds)
            {
                return;
            }

            while (_next < _slots.Length && _slots[_next].Arrived && _slots[_next].Complete)
            {
                Slot slot = _slots[_next++];
                if (slot.Uid != 0)
                {
                    Release(slot.Item);
                }
            }
        }

        private void Release(T item)
        {
            Released++;
            _release(item);
        }

        private readonly struct Slot
        {
            public Slot(uint uid, bool complete, T item)
            {
                Uid = uid;
                Complete = complete;
                Item = item;
                Arrived = true;
            }

            public uint Uid { get; }

            public bool Complete { get; }

            public T Item { get; }

            public bool Arrived { get; }
        }
    }
}
