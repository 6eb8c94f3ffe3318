using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using MailProtocols.Core.Mbox;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>mboxrd: every line matching ^>*From gets one more '>', so a reader that removes one gets the message back exactly.</summary>
    public class MboxrdWriterTests
    {
        private static readonly DateTimeOffset Date = new DateTimeOffset(2024, 7, 4, 9, 5, 3, TimeSpan.Zero);

        /// <summary>A stream that hands out at most <paramref name="chunk"/> bytes per Read, to cross every buffer boundary.</summary>
        private sealed class TrickleStream : MemoryStream
        {
            private readonly int _chunk;

            public TrickleStream(byte[] bytes, int chunk)
                : base(bytes)
            {
                _chunk = chunk;
            }

            public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, _chunk));
        }

        private static string Body(string message, int chunk = int.MaxValue)
        {
            var output = new MemoryStream();
            var writer = new MboxrdWriter(output);
            byte[] bytes = Encoding.ASCII.GetBytes(message);
            writer.WriteMessage(new TrickleStream(bytes, chunk), "sender@example.com", Date);
            Assert.Equal(output.Length, writer.BytesWritten);
            string text = Encoding.ASCII.GetString(output.ToArray());
            string fromLine = MboxrdWriter.FromLine("sender@example.com", Date) + "\n";
            Assert.StartsWith(fromLine, text);
            return text.Substring(fromLine.Length);
        }

        /// <summary>What an mboxrd reader does: one '>' less on every line that matches ^>+From .</summary>
        private static string Unquote(string body) => Regex.Replace(body, "^>(>*From )", "$1", RegexOptions.Multiline);

        [Theory]
        [InlineData("From here\n", ">From here\n")]
        [InlineData(">From here\n", ">>From here\n")]
        [InlineData(">>>From here\n", ">>>>From here\n")]
        [InlineData("a\nFrom x\n", "a\n>From x\n")]
        [InlineData("a\r\nFrom x\r\n", "a\r\n>From x\r\n")]           // CRLF as IMAP sends it
        [InlineData("From \n", ">From \n")]
        public void FromLinesGetOneMoreQuote(string message, string quoted)
        {
            Assert.Equal(quoted + "\n", Body(message));
        }

        [Theory]
        [InlineData("Fromage\n")]
        [InlineData("From\n")]
        [InlineData("from lower case\n")]
        [InlineData(" From indented\n")]
        [InlineData("> From spaced\n")]
        [InlineData(">>Fro\n")]
        [InlineData("x From inside a line\n")]
        [InlineData("<From\n")]
        public void OtherLinesAreLeftAlone(string message)
        {
            Assert.Equal(message + "\n", Body(message));
        }

        [Theory]
        [InlineData(">", ">\n\n")]                     // a candidate cut short by the end of the message is written as it was
        [InlineData(">>Fro", ">>Fro\n\n")]
        [InlineData("From", "From\n\n")]
        [InlineData("x\nFrom ", "x\n>From \n\n")]
        [InlineData("no newline", "no newline\n\n")]
        [InlineData("", "\n")]
        public void MessagesThatEndMidLineAreClosed(string message, string body)
        {
            Assert.Equal(body, Body(message));
        }

        [Fact]
        public void QuotingWorksAcrossEveryReadBoundary()
        {
            string message = "From a\n>From b\n>>From c\nFromage\n>>Fro\n>\nFrom \nend\n";
            string expected = Body(message);
            for (int chunk = 1; chunk <= 8; chunk++)
            {
                Assert.Equal(expected, Body(message, chunk));
            }
        }

        [Fact]
        public void ALineStartLandingOnTheWritersOwnBufferBoundaryIsStillQuoted()
        {
            // The writer reads 80 KB at a time: put "From " right where one read ends and the next begins.
            string head = new string('x', 81920 - 3) + "\n";
            string body = Body(head + "From split\n");
            Assert.EndsWith("\n>From split\n\n", body);
        }

        [Fact]
        public void UnquotingGivesTheMessageBack()
        {
            var random = new Random(12345);
            string[] pieces = { "From ", ">", "From", " ", "x", "\n", "\r\n", "F", "rom " };
            for (int i = 0; i < 300; i++)
            {
                string message = string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => pieces[random.Next(pieces.Length)])) + "\n";
                string body = Body(message);
                Assert.EndsWith("\n\n", body);
                Assert.Equal(message, Unquote(body.Substring(0, body.Length - 1)));
                Assert.DoesNotMatch(new Regex("^From ", RegexOptions.Multiline), body);     // no line could start a new message
            }
        }

        [Fact]
        public void MessagesFollowEachOtherWithFromLines()
        {
            var output = new MemoryStream();
            var writer = new MboxrdWriter(output);
            writer.WriteMessage(new MemoryStream(Encoding.ASCII.GetBytes("A: 1\r\n\r\none")), "a@x", Date);
            writer.WriteMessage(new MemoryStream(Encoding.ASCII.GetBytes("B: 2\n\ntwo\n")), null, Date);

            Assert.Equal(2, writer.MessagesWritten);
            Assert.Equal(
                "From a@x Thu Jul  4 09:05:03 2024\nA: 1\r\n\r\none\n\n" +
                "From MAILER-DAEMON Thu Jul  4 09:05:03 2024\nB: 2\n\ntwo\n\n",
                Encoding.ASCII.GetString(output.ToArray()));
        }

        [Theory]
        [InlineData("a@x", "From a@x Thu Jul  4 09:05:03 2024")]
        [InlineData("  a b\t@x ", "From a_b_@x Thu Jul  4 09:05:03 2024")]     // no spaces in the envelope sender
        [InlineData("a\r\nFrom b", "From a__From_b Thu Jul  4 09:05:03 2024")]
        [InlineData("", "From MAILER-DAEMON Thu Jul  4 09:05:03 2024")]
        [InlineData("   ", "From MAILER-DAEMON Thu Jul  4 09:05:03 2024")]
        public void FromLineHasASenderWithoutSpaces(string sender, string line)
        {
            Assert.Equal(line, MboxrdWriter.FromLine(sender, Date));
        }

        [Fact]
        public void FromLineDateIsUtcAsctimeWithAPaddedDay()
        {
            var local = new DateTimeOffset(2025, 1, 1, 1, 30, 0, TimeSpan.FromHours(5));     // 2024-12-31 20:30 UTC
            Assert.Equal("From a Tue Dec 31 20:30:00 2024", MboxrdWriter.FromLine("a", local));
            Assert.Equal("From a Sun Mar 10 00:00:00 2024", MboxrdWriter.FromLine("a", new DateTimeOffset(2024, 3, 10, 0, 0, 0, TimeSpan.Zero)));
        }
    }
}
