using MailKit;
using MailProtocols.Core.Imap;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>Whether a message has the part -BodyPart asks for, read from its BODYSTRUCTURE before anything is fetched.</summary>
    public class BodyPartTests
    {
        private static BodyPartBasic Part(string specifier) => new BodyPartBasic { PartSpecifier = specifier };

        /// <summary>multipart/mixed: 1 text, 2 multipart/alternative (2.1, 2.2), 3 message/rfc822 whose body is multipart (3.1, 3.2).</summary>
        private static BodyPart Structure()
        {
            var alternative = new BodyPartMultipart { PartSpecifier = "2" };
            alternative.BodyParts.Add(Part("2.1"));
            alternative.BodyParts.Add(Part("2.2"));
            var attachedBody = new BodyPartMultipart { PartSpecifier = "3" };
            attachedBody.BodyParts.Add(Part("3.1"));
            attachedBody.BodyParts.Add(Part("3.2"));
            var attached = new BodyPartMessage { PartSpecifier = "3", Body = attachedBody };
            var root = new BodyPartMultipart { PartSpecifier = "" };
            root.BodyParts.Add(Part("1"));
            root.BodyParts.Add(alternative);
            root.BodyParts.Add(attached);
            return root;
        }

        [Theory]
        [InlineData("1")]
        [InlineData("2")]
        [InlineData("2.2")]
        [InlineData("3")]
        [InlineData("3.2")]     // inside an attached message
        public void PartsAnywhereInTheTreeAreFound(string specifier)
        {
            Assert.True(ImapMessageReader.HasPart(Structure(), specifier));
        }

        [Theory]
        [InlineData("4")]
        [InlineData("2.3")]
        [InlineData("3.2.1")]
        [InlineData("1.1")]
        public void PartsThatAreNotThereAreNot(string specifier)
        {
            Assert.False(ImapMessageReader.HasPart(Structure(), specifier));
        }

        [Fact]
        public void PartOneOfASinglePartMessageIsItsBody()
        {
            // RFC 3501: a message that is not multipart has its body as part 1.
            BodyPartBasic single = Part("");
            Assert.True(ImapMessageReader.HasPart(single, "1"));
            Assert.False(ImapMessageReader.HasPart(single, "2"));
        }

        [Fact]
        public void WithoutABodyStructureNothingIsRefusedBeforehand()
        {
            // Messages given by -Uid have no BODYSTRUCTURE yet: the server answers for the part.
            Assert.True(ImapMessageReader.HasPart(null, "7.3"));
        }
    }
}
