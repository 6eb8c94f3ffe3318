using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace MailProtocols.Core.Mbox
{
    /// <summary>
    /// Writes messages in the mboxrd format: each message starts with a "From sender date" line and
    /// ends with a blank line, and every line of the message that matches <c>^&gt;*From </c> gets one
    /// more '&gt;' (so a reader that removes one '&gt;' from such lines gets the message back exactly).
    /// The message bytes are copied as they come, line endings included (IMAP sends CRLF); the From_
    /// lines and the blank separator lines are LF, which is what mutt and Python's mailbox module expect.
    /// </summary>
    internal sealed class MboxrdWriter
    {
        private static readonly byte[] FromSpace = Encoding.ASCII.GetBytes("From ");

        private readonly Stream _output;
        private readonly byte[] _buffer = new byte[81920];

        public MboxrdWriter(Stream output)
        {
            _output = output;
        }

        public long BytesWritten { get; private set; }

        public int MessagesWritten { get; private set; }

        /// <summary>The From_ line: envelope sender (no spaces) and the delivery date in UTC, asctime style.</summary>
        public static string FromLine(string sender, DateTimeOffset? date)
        {
            string address = string.IsNullOrWhiteSpace(sender)
                ? "MAILER-DAEMON"
                : new string(sender.Trim().Select(c => char.IsWhiteSpace(c) || char.IsControl(c) ? '_' : c).ToArray());
            DateTime utc = (date ?? DateTimeOffset.UtcNow).UtcDateTime;
            string asctime = utc.ToString("ddd MMM ", CultureInfo.InvariantCulture) +
                utc.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) +
                utc.ToString(" HH:mm:ss yyyy", CultureInfo.InvariantCulture);
            return "From " + address + " " + asctime;
        }

        /// <summary>Copies one message, quoting From_ lines as it goes, without holding the message in memory twice.</summary>
        public void WriteMessage(Stream message, string sender, DateTimeOffset? date)
        {
            WriteAscii(FromLine(sender, date) + "\n");

            // Candidate bytes at the start of a line that might still turn out to be ">*From ".
            var pending = new MemoryStream(16);
            bool atLineStart = true;
            int greaterThans = 0;
            byte last = (byte)'\n';
            bool wroteAny = false;
            int read;
            while ((read = message.Read(_buffer, 0, _buffer.Length)) > 0)
            {
                int i = 0;
                while (i < read)
                {
                    if (atLineStart)
                    {
                        byte b = _buffer[i];
                        int matched = (int)pending.Length - greaterThans;
                        if (matched == 0 && b == (byte)'>')
                        {
                            pending.WriteByte(b);
                            greaterThans++;
                            i++;
                            continue;
                        }

                        if (b == FromSpace[matched])
                        {
                            pending.WriteByte(b);
                            i++;
                            if (matched + 1 == FromSpace.Length)
                            {
                                Write(new[] { (byte)'>' }, 0, 1);
                                FlushPending(pending, ref last, ref wroteAny);
                                atLineStart = false;
                                greaterThans = 0;
                            }

                            continue;
                        }

                        FlushPending(pending, ref last, ref wroteAny);
                        atLineStart = false;
                        greaterThans = 0;
                        continue;
                    }

                    int newline = Array.IndexOf(_buffer, (byte)'\n', i, read - i);
                    int end = newline < 0 ? read : newline + 1;
                    Write(_buffer, i, end - i);
                    last = _buffer[end - 1];
                    wroteAny = true;
                    i = end;
                    atLineStart = newline >= 0;
                }
            }

            FlushPending(pending, ref last, ref wroteAny);

            // Every message ends with a line break and a blank line, so the next From_ line starts a line.
            if (wroteAny && last != (byte)'\n')
            {
                WriteAscii("\n");
            }

            WriteAscii("\n");
            MessagesWritten++;
        }

        private void FlushPending(MemoryStream pending, ref byte last, ref bool wroteAny)
        {
            if (pending.Length == 0)
            {
                return;
            }

            byte[] bytes = pending.GetBuffer();
            Write(bytes, 0, (int)pending.Length);
            last = bytes[pending.Length - 1];
            wroteAny = true;
            pending.SetLength(0);
        }

        private void WriteAscii(string text)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            Write(bytes, 0, bytes.Length);
        }

        private void Write(byte[] bytes, int offset, int count)
        {
            _output.Write(bytes, offset, count);
            BytesWritten += count;
        }
    }
}
