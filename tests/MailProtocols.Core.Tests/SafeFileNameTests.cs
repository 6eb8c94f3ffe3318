using System;
using System.IO;
using System.Linq;
using System.Text;
using MailProtocols.Core.Files;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>File names made from untrusted text (attachment names): no escape from the folder, nothing a file system refuses.</summary>
    public class SafeFileNameTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();

        public void Dispose() => _dir.Dispose();

        /// <summary>What every result must be, whatever came in.</summary>
        private static void AssertSafe(string name)
        {
            Assert.False(string.IsNullOrEmpty(name));
            Assert.DoesNotContain(name, c => c < 32 || c == 127 || "<>:\"|?*/\\".IndexOf(c) >= 0);
            Assert.NotEqual(".", name);
            Assert.NotEqual("..", name);
            Assert.False(name.StartsWith(".", StringComparison.Ordinal) || name.StartsWith(" ", StringComparison.Ordinal));
            Assert.False(name.EndsWith(".", StringComparison.Ordinal) || name.EndsWith(" ", StringComparison.Ordinal));
            Assert.True(name.Length <= SafeFileName.MaxLength, $"{name.Length} characters");
            Assert.True(Encoding.UTF8.GetByteCount(name) <= SafeFileName.MaxUtf8Bytes, $"{Encoding.UTF8.GetByteCount(name)} bytes");
            Assert.False(char.IsHighSurrogate(name[name.Length - 1]));
            string device = name.Split('.')[0];
            Assert.DoesNotContain(device.ToUpperInvariant(), new[] { "CON", "PRN", "AUX", "NUL", "COM1", "LPT1", "CONIN$", "CONOUT$" });
        }

        [Theory]
        [InlineData("report.pdf", "report.pdf")]
        [InlineData("../../etc/passwd", "passwd")]
        [InlineData("..\\..\\Windows\\win.ini", "win.ini")]
        [InlineData("C:\\Users\\x\\evil.exe", "evil.exe")]
        [InlineData("/abs/path/", "attachment")]                 // nothing after the last separator
        [InlineData("..", "attachment")]
        [InlineData(".", "attachment")]
        [InlineData("   ", "attachment")]
        [InlineData("", "attachment")]
        [InlineData(null, "attachment")]
        [InlineData(".bashrc", "bashrc")]                        // no hidden files
        [InlineData("invoice.pdf. . .", "invoice.pdf")]          // Windows would drop these and open another file
        [InlineData("a<b>c:d\"e|f?g*h.txt", "a_b_c_d_e_f_g_h.txt")]
        [InlineData("tab\there\r\nnew.txt", "tab_here__new.txt")]
        [InlineData("del\u007f.txt", "del_.txt")]
        [InlineData("Grüße – 請求書.pdf", "Grüße – 請求書.pdf")]   // readable Unicode stays
        public void HostileNamesBecomeSafe(string input, string expected)
        {
            string name = SafeFileName.From(input);
            Assert.Equal(expected, name);
            AssertSafe(name);
        }

        [Theory]
        [InlineData("CON", "_CON")]
        [InlineData("con.txt", "_con.txt")]
        [InlineData("Nul.tar.gz", "_Nul.tar.gz")]
        [InlineData("LPT9.log", "_LPT9.log")]
        [InlineData("COM0", "_COM0")]
        [InlineData("conout$.txt", "_conout$.txt")]
        [InlineData("CONSOLE.txt", "CONSOLE.txt")]                // only the exact device names are reserved
        [InlineData("COM10.txt", "COM10.txt")]
        public void ReservedDeviceNamesAreEscaped(string input, string expected)
        {
            Assert.Equal(expected, SafeFileName.From(input));
        }

        [Fact]
        public void AReservedNameStaysEscapedWhenItsExtensionIsDropped()
        {
            // An over-long "extension" is dropped; the device-name escape must survive that.
            string name = SafeFileName.From("CON.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
            AssertSafe(name);
        }

        [Fact]
        public void FallbackIsUsedWhenNothingIsLeft()
        {
            Assert.Equal("part-3", SafeFileName.From("///", "part-3"));
        }

        [Fact]
        public void LongNamesAreCutAndKeepTheirExtension()
        {
            string name = SafeFileName.From(new string('a', 500) + ".pdf");
            Assert.EndsWith(".pdf", name);
            Assert.Equal(SafeFileName.MaxLength, name.Length);
            AssertSafe(name);
        }

        [Fact]
        public void AnOverlongExtensionIsNotKeptAsOne()
        {
            string name = SafeFileName.From("x." + new string('e', 40));
            AssertSafe(name);
            Assert.True(Path.GetExtension(name).Length <= 16);
        }

        [Theory]
        [InlineData("請", 3)]
        [InlineData("😀", 4)]
        [InlineData("é", 2)]
        public void MultiByteNamesFitInTheUtf8Bound(string unit, int bytesPerUnit)
        {
            // 120 CJK characters are 360 bytes: over the 255-byte limit of Linux and macOS without the byte cut.
            string name = SafeFileName.From(string.Concat(Enumerable.Repeat(unit, 300)) + ".pdf");
            AssertSafe(name);
            Assert.EndsWith(".pdf", name);
            int stemBytes = Encoding.UTF8.GetByteCount(name) - 4;
            Assert.Equal(0, stemBytes % bytesPerUnit);                    // whole characters only
            Assert.True(SafeFileName.MaxUtf8Bytes - 4 - stemBytes < bytesPerUnit, "the cut leaves no room for another character");
            Assert.Equal(name, SafeFileName.From(name));                  // stable: sanitizing again changes nothing
            File.WriteAllText(Path.Combine(_dir.Path, name), "x");        // and the file system takes it
        }

        [Theory]
        [InlineData("abc", 10, "abc")]
        [InlineData("abc", 2, "ab")]
        [InlineData("ééé", 5, "éé")]
        [InlineData("a😀b", 4, "a")]          // never half a surrogate pair
        [InlineData("a😀b", 5, "a😀")]
        [InlineData("😀", 3, "")]
        [InlineData("", 0, "")]
        public void TruncateUtf8CutsAtCharacterBoundaries(string text, int maxBytes, string expected)
        {
            Assert.Equal(expected, SafeFileName.TruncateUtf8(text, maxBytes));
        }

        [Fact]
        public void UniquePathNumbersCollisionsAndSkipsDirectories()
        {
            Assert.Equal(_dir.Combine("scan.pdf"), SafeFileName.UniquePath(_dir.Path, "scan.pdf"));
            _dir.Touch("scan.pdf");
            _dir.Touch("scan (1).pdf");
            Directory.CreateDirectory(_dir.Combine("scan (2).pdf"));
            Assert.Equal(_dir.Combine("scan (3).pdf"), SafeFileName.UniquePath(_dir.Path, "scan.pdf"));

            _dir.Touch("README");
            Assert.Equal(_dir.Combine("README (1)"), SafeFileName.UniquePath(_dir.Path, "README"));
        }

        [Fact]
        public void IsInsideRejectsTraversalAndSiblingPrefixes()
        {
            string root = _dir.Combine("out");
            Assert.True(SafeFileName.IsInside(root, Path.Combine(root, "a.txt")));
            Assert.True(SafeFileName.IsInside(root + Path.DirectorySeparatorChar, Path.Combine(root, "sub", "a.txt")));
            Assert.False(SafeFileName.IsInside(root, Path.Combine(root, "..", "a.txt")));
            Assert.False(SafeFileName.IsInside(root, root + "-evil" + Path.DirectorySeparatorChar + "a.txt"));   // shares the prefix "out"
            Assert.False(SafeFileName.IsInside(root, root));                                                     // the folder itself is no file in it
        }
    }
}
