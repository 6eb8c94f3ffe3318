using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using MailProtocols.Core.Maildir;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>
    /// The hand-written fast paths of the two-way sync's per-message work give the same answers as the
    /// straightforward definitions they replaced (LINQ for the flag letters, a Regex for our file names, the
    /// per-letter loop for the merge).
    /// </summary>
    public class MaildirFastPathTests
    {
        private static readonly Regex Ours = new Regex(@"^(?<time>\d+)\.(?<uid>\d+)_(?<validity>\d+)\.mailprotocols(?:,|$)", RegexOptions.CultureInvariant);

        private static string FlagsByLinq(string letters) =>
            new string((letters ?? string.Empty).Where(c => MaildirSyncPlanner.FlagLetters.IndexOf(c) >= 0).Distinct().OrderBy(c => c).ToArray());

        private static string MergeByLoop(string recorded, string local, string server)
        {
            var result = new StringBuilder();
            foreach (char letter in MaildirSyncPlanner.FlagLetters)
            {
                bool b = recorded.IndexOf(letter) >= 0, l = local.IndexOf(letter) >= 0, s = server.IndexOf(letter) >= 0;
                if (l != b ? l : s)
                {
                    result.Append(letter);
                }
            }

            return result.ToString();
        }

        private static IEnumerable<string> Subsets()
        {
            for (int mask = 0; mask < 64; mask++)
            {
                yield return new string(MaildirSyncPlanner.FlagLetters.Where((c, i) => (mask & (1 << i)) != 0).ToArray());
            }
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("S")]
        [InlineData("FS")]
        [InlineData("SF")]
        [InlineData("SS")]
        [InlineData("abS")]
        [InlineData("DFPRST")]
        [InlineData("TSRPFD")]
        [InlineData("xyz")]
        [InlineData("FaSb")]
        [InlineData("FFS")]
        [InlineData("s")]
        public void FlagsAreTheFlagLettersSortedOnce(string letters)
        {
            Assert.Equal(FlagsByLinq(letters), MaildirSyncPlanner.Flags(letters));
        }

        [Fact]
        public void FlagsOfEveryShortStringMatchTheDefinition()
        {
            const string alphabet = "DFPRSTa-";
            foreach (char a in alphabet)
            {
                foreach (char b in alphabet)
                {
                    foreach (char c in alphabet)
                    {
                        string s = new string(new[] { a, b, c });
                        Assert.Equal(FlagsByLinq(s), MaildirSyncPlanner.Flags(s));
                    }
                }
            }
        }

        [Fact]
        public void MergeOfEveryCombinationMatchesThePerLetterRule()
        {
            List<string> subsets = Subsets().ToList();
            foreach (string recorded in subsets)
            {
                foreach (string local in subsets)
                {
                    foreach (string server in subsets)
                    {
                        Assert.Equal(MergeByLoop(recorded, local, server), MaildirSyncPlanner.MergeFlags(recorded, local, server));
                    }
                }
            }
        }

        [Theory]
        [InlineData("1700000000.42_9.mailprotocols,S=100:2,S")]
        [InlineData("1700000000.42_9.mailprotocols")]
        [InlineData("1700000000.42_9.mailprotocols:2,")]
        [InlineData("1700000000.42_9.mailprotocolsX,S=1")]
        [InlineData("0.0_0.mailprotocols,S=1")]
        [InlineData("1.4294967295_4294967295.mailprotocols,S=1")]
        [InlineData("1.4294967296_1.mailprotocols,S=1")]
        [InlineData("1.1_4294967296.mailprotocols,S=1")]
        [InlineData("1.00042_0009.mailprotocols,S=1")]
        [InlineData(".42_9.mailprotocols,S=1")]
        [InlineData("1.42_9.mailprotocol")]
        [InlineData("1.42_9.")]
        [InlineData("1.42_9")]
        [InlineData("1.42-9.mailprotocols")]
        [InlineData("a1.42_9.mailprotocols")]
        [InlineData("1.42_9.otherhost,S=1:2,S")]
        [InlineData("1700000000.M1P2.host,S=5:2,S")]
        [InlineData("\u0661\u0662.42_9.mailprotocols,S=1")]
        [InlineData("1.\u0664\u0662_9.mailprotocols,S=1")]
        [InlineData("")]
        public void OurNamesAreRecognisedAsTheRegexDid(string name)
        {
            Match match = Ours.Match(name);
            bool expected = match.Success &&
                uint.TryParse(match.Groups["uid"].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint expectedUid) &
                uint.TryParse(match.Groups["validity"].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint expectedValidity);
            bool actual = MaildirFileName.TryParseOurs(name, out uint uid, out uint validity);
            Assert.Equal(expected, actual);
            if (expected)
            {
                Assert.Equal(uint.Parse(match.Groups["uid"].Value), uid);
                Assert.Equal(uint.Parse(match.Groups["validity"].Value), validity);
            }
        }
    
        [Fact]
        public void RecordLinesAreReadAsSplittingThemAtTheFirstThreeSpacesDid()
        {
            using (var dir = new TempDirectory())
            {
                File.WriteAllText(MaildirSyncState.PathIn(dir.Path), string.Join("\n",
                    "uidvalidity=7", "twoway=true",
                    "m 1 FS 100.1_7.mailprotocols,S=5",
                    "m 2 FS name with spaces",
                    "m 3 - -",
                    "m 4 aSxF 100.4_7.mailprotocols,S=5",
                    "m 5  empty-letters",
                    "m 0 S zero-uid",
                    "m 4294967296 S too-large",
                    "m  6 S double-space",
                    "m 7 S",
                    "m x8 S not-a-number",
                    "m 09 SS leading-zero ",
                    "a 12 <id@test> pending name") + "\n");
                MaildirSyncState state = MaildirSyncState.Read(dir.Path);
                Assert.Equal(
                    new[] { "1 FS 100.1_7.mailprotocols,S=5", "2 FS name with spaces", "3  ", "4 FS 100.4_7.mailprotocols,S=5", "5  empty-letters", "9 S leading-zero " },
                    state.Messages.Select(m => $"{m.Uid} {m.Letters} {m.BaseName}").ToArray());
                Assert.Same(state.Messages[0].Letters, state.Messages[1].Letters);
                Assert.Equal("pending name", state.PendingAppends.Single().BaseName);
            }
        }
    }
}
