using System.Linq;
using MailKit;
using MailProtocols.Core.Imap;
using MailProtocols.Core.Maildir;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>The flag algebra: IMAP system flags to MailKit's and back, and to Maildir letters and back.</summary>
    public class FlagTests
    {
        private static readonly ImapMessageFlags[] Singles =
        {
            ImapMessageFlags.Seen, ImapMessageFlags.Answered, ImapMessageFlags.Flagged, ImapMessageFlags.Deleted, ImapMessageFlags.Draft,
        };

        /// <summary>Every one of the 32 combinations of the five system flags.</summary>
        public static TheoryData<int> AllCombinations()
        {
            var data = new TheoryData<int>();
            for (int i = 0; i < 32; i++)
            {
                data.Add(i);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(AllCombinations))]
        public void MailKitRoundTripKeepsEveryCombination(int bits)
        {
            var flags = (ImapMessageFlags)bits;
            Assert.Equal(flags, ImapMessageFlagsExtensions.FromMailKit(flags.ToMailKit()));
        }

        [Fact]
        public void EachFlagMapsToTheMailKitFlagOfTheSameName()
        {
            foreach (ImapMessageFlags flag in Singles)
            {
                Assert.Equal(flag.ToString(), flag.ToMailKit().ToString());
            }

            Assert.Equal(MessageFlags.None, ImapMessageFlags.None.ToMailKit());
        }

        [Fact]
        public void MailKitFlagsWithoutCounterpartAreDropped()
        {
            // \Recent is the server's to set, and UserDefined only says "keywords allowed": neither is a message flag here.
            MessageFlags mailKit = MessageFlags.Recent | MessageFlags.UserDefined | MessageFlags.Seen;
            Assert.Equal(ImapMessageFlags.Seen, ImapMessageFlagsExtensions.FromMailKit(mailKit));
            Assert.Equal(ImapMessageFlags.None, ImapMessageFlagsExtensions.FromMailKit(MessageFlags.Recent | MessageFlags.UserDefined));
        }

        [Fact]
        public void UndefinedBitsDoNotReachMailKit()
        {
            // A caller (or a cast from PowerShell) may carry bits beyond Draft: they must not turn into \Recent or UserDefined.
            var flags = (ImapMessageFlags)(0xFFE0 | (int)ImapMessageFlags.Seen);
            Assert.Equal(MessageFlags.Seen, flags.ToMailKit());
        }

        [Theory]
        [InlineData(ImapMessageFlags.None, "")]
        [InlineData(ImapMessageFlags.Seen, "S")]
        [InlineData(ImapMessageFlags.Deleted, "T")]
        [InlineData(ImapMessageFlags.Answered | ImapMessageFlags.Seen, "RS")]
        [InlineData(ImapMessageFlags.Seen | ImapMessageFlags.Draft | ImapMessageFlags.Flagged, "DFS")]
        [InlineData(ImapMessageFlags.Seen | ImapMessageFlags.Answered | ImapMessageFlags.Flagged | ImapMessageFlags.Deleted | ImapMessageFlags.Draft, "DFRST")]
        public void LettersAreInAsciiOrder(ImapMessageFlags flags, string letters)
        {
            Assert.Equal(letters, MaildirFlags.ToLetters(flags, null));
        }

        [Theory]
        [InlineData("$Forwarded")]
        [InlineData("$forwarded")]
        [InlineData("$FORWARDED")]
        public void ForwardedKeywordIsPInAnyCase(string keyword)
        {
            Assert.Equal("FPS", MaildirFlags.ToLetters(ImapMessageFlags.Seen | ImapMessageFlags.Flagged, new[] { "Urgent", keyword }));
        }

        [Fact]
        public void OtherKeywordsGiveNoLetter()
        {
            Assert.Equal("S", MaildirFlags.ToLetters(ImapMessageFlags.Seen, new[] { "Forwarded", "$Junk", "$MDNSent" }));
        }

        [Theory]
        [MemberData(nameof(AllCombinations))]
        public void LettersRoundTripEveryCombination(int bits)
        {
            var flags = (ImapMessageFlags)bits;
            foreach (bool forwarded in new[] { false, true })
            {
                string letters = MaildirFlags.ToLetters(flags, forwarded ? new[] { MaildirFlags.ForwardedKeyword } : new string[0]);
                Assert.Equal(flags, MaildirFlags.FromLetters(letters, out bool back));
                Assert.Equal(forwarded, back);
            }
        }

        [Fact]
        public void ForeignLettersAreIgnoredWhenReading()
        {
            // Lower-case letters are other programs' keywords (Dovecot's a-z), and unknown capitals are not ours.
            Assert.Equal(ImapMessageFlags.Seen | ImapMessageFlags.Answered, MaildirFlags.FromLetters("abRSxZ", out bool forwarded));
            Assert.False(forwarded);
            Assert.Equal(ImapMessageFlags.None, MaildirFlags.FromLetters(null, out _));
        }

        [Fact]
        public void RepeatedLettersCountOnce()
        {
            Assert.Equal(ImapMessageFlags.Seen, MaildirFlags.FromLetters("SSS", out _));
        }

        [Theory]
        [InlineData("RSa", "FS", "FSa")]      // upper-case letters are replaced, a keyword letter stays
        [InlineData("S", "", "")]             // every flag cleared
        [InlineData("cba", "T", "Tabc")]      // kept letters come out sorted, after the capitals (ASCII order)
        [InlineData("aa", "S", "Sa")]         // no duplicates
        [InlineData(null, "DS", "DS")]        // a file without an info part
        [InlineData("S,x", "S", "Sx")]        // punctuation is not a keyword letter
        public void MergeReplacesOurLettersAndKeepsKeywordLetters(string existing, string letters, string merged)
        {
            Assert.Equal(merged, MaildirFlags.Merge(existing, letters));
        }

        [Fact]
        public void MergeResultIsInAsciiOrder()
        {
            string merged = MaildirFlags.Merge("zyxa", "TSRPFD");
            Assert.Equal(merged.OrderBy(c => c).ToArray(), merged.ToCharArray());
        }
    }
}
