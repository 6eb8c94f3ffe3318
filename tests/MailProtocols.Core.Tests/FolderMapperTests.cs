using System.Collections.Generic;
using System.Linq;
using System;
using MailProtocols.Core.Imap.Migration;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>Copy-ImapMailbox's folder mapping: a wrong name here files a whole folder of mail in the wrong place.</summary>
    public class FolderMapperTests
    {
        private static MailboxLayout Dovecot(params string[] extra) => new MailboxLayout(
            new[]
            {
                new MailboxFolder("INBOX", '/'),
                new MailboxFolder("Sent", '/', ImapSpecialUse.Sent),
                new MailboxFolder("Trash", '/', ImapSpecialUse.Trash),
                new MailboxFolder("Junk", '/', ImapSpecialUse.Junk),
                new MailboxFolder("Drafts", '/', ImapSpecialUse.Drafts),
                new MailboxFolder("Archive", '/', ImapSpecialUse.Archive),
            }.Concat(extra.Select(n => new MailboxFolder(n, '/'))).ToList(), string.Empty, '/');

        private static MailboxLayout Courier(params string[] extra) => new MailboxLayout(
            new[] { "INBOX", "INBOX.Sent Messages", "INBOX.Deleted Messages", "INBOX.Spam", "INBOX.Drafts" }
                .Concat(extra).Select(n => new MailboxFolder(n, '.')).ToList(), "INBOX.", '.');

        private static MailboxLayout Exchange(params string[] extra) => new MailboxLayout(
            new[] { "INBOX", "Sent Items", "Deleted Items", "Junk Email", "Drafts", "Archive" }
                .Concat(extra).Select(n => new MailboxFolder(n, '/')).ToList(), string.Empty, '/');

        private static Dictionary<string, string> MapAll(MailboxLayout from, MailboxLayout to, IReadOnlyDictionary<string, string> map = null) =>
            FolderMapper.Map(from, to, FolderMapper.Select(from, null, false, null, out _), map).ToDictionary(p => p.Source.FullName, p => p.Destination);

        [Fact]
        public void SpecialFoldersMapByAttributeOntoWellKnownNames()
        {
            Dictionary<string, string> map = MapAll(Dovecot(), Exchange());
            Assert.Equal("INBOX", map["INBOX"]);
            Assert.Equal("Sent Items", map["Sent"]);
            Assert.Equal("Deleted Items", map["Trash"]);
            Assert.Equal("Junk Email", map["Junk"]);
            Assert.Equal("Drafts", map["Drafts"]);
            Assert.Equal("Archive", map["Archive"]);
        }

        [Fact]
        public void WellKnownNamesMapBackOntoAttributes()
        {
            Dictionary<string, string> map = MapAll(Exchange(), Dovecot());
            Assert.Equal("Sent", map["Sent Items"]);
            Assert.Equal("Trash", map["Deleted Items"]);
            Assert.Equal("Junk", map["Junk Email"]);
        }

        [Fact]
        public void GmailNamesAreFoundBelowTheirBrackets()
        {
            var gmail = new MailboxLayout(new[] { "INBOX", "[Gmail]", "[Gmail]/Sent Mail", "[Gmail]/Spam", "[Gmail]/Trash" }
                .Select(n => new MailboxFolder(n, '/', selectable: n != "[Gmail]")).ToList(), string.Empty, '/');
            Dictionary<string, string> map = MapAll(gmail, Exchange());
            Assert.Equal("Sent Items", map["[Gmail]/Sent Mail"]);
            Assert.Equal("Junk Email", map["[Gmail]/Spam"]);
            Assert.Equal("Deleted Items", map["[Gmail]/Trash"]);
            Assert.False(map.ContainsKey("[Gmail]"));
        }

        [Fact]
        public void SeparatorAndInboxPrefixAreTranslatedBothWays()
        {
            Dictionary<string, string> there = MapAll(Dovecot("Projects/Web", "Projects/Web/2024"), Courier());
            Assert.Equal("INBOX.Projects.Web", there["Projects/Web"]);
            Assert.Equal("INBOX.Projects.Web.2024", there["Projects/Web/2024"]);
            Assert.Equal("INBOX.Sent Messages", there["Sent"]);
            Assert.Equal("INBOX.Deleted Messages", there["Trash"]);
            Assert.Equal("INBOX.Spam", there["Junk"]);

            Dictionary<string, string> back = MapAll(Courier("INBOX.Projects.Web"), Dovecot());
            Assert.Equal("Projects/Web", back["INBOX.Projects.Web"]);
            Assert.Equal("Sent", back["INBOX.Sent Messages"]);
            Assert.Equal("INBOX", back["INBOX"]);
        }

        [Fact]
        public void ADelimiterInsideANameDoesNotMakeANewLevel()
        {
            Dictionary<string, string> map = MapAll(Dovecot("Notes v1/Web"), Courier());
            Assert.Equal("INBOX.Notes v1.Web", map["Notes v1/Web"]);
            Dictionary<string, string> back = MapAll(new MailboxLayout(new[] { new MailboxFolder("INBOX", '/'), new MailboxFolder("a.b", '/') }, string.Empty, '/'), Courier());
            Assert.Equal("INBOX.a_b", back["a.b"]);
        }

        [Fact]
        public void InboxSubfoldersStayBelowInboxOnAPrefixServer()
        {
            Dictionary<string, string> map = MapAll(Dovecot("INBOX/Lists"), Courier());
            Assert.Equal("INBOX.Lists", map["INBOX/Lists"]);
        }

        [Fact]
        public void FolderMapWinsAndCarriesTheFoldersBelowIt()
        {
            var overrides = new Dictionary<string, string> { ["Old/Name"] = "New/Place", ["Sent"] = "Sent Archive" };
            Dictionary<string, string> map = MapAll(Dovecot("Old/Name", "Old/Name/Deep", "Old/Other"), Courier(), overrides);
            Assert.Equal("INBOX.New.Place", map["Old/Name"]);
            Assert.Equal("INBOX.New.Place.Deep", map["Old/Name/Deep"]);
            Assert.Equal("INBOX.Old.Other", map["Old/Other"]);
            Assert.Equal("INBOX.Sent Archive", map["Sent"]);
        }

        [Fact]
        public void FolderMapAcceptsEitherDelimiterAndThePrefix()
        {
            var overrides = new Dictionary<string, string> { ["INBOX.Projects.Web"] = "Archive/Web" };
            Assert.Equal("Archive/Web", MapAll(Courier("INBOX.Projects.Web"), Dovecot(), overrides)["INBOX.Projects.Web"]);
            Assert.Equal("INBOX.Web", MapAll(Dovecot("Projects/Web"), Courier(), new Dictionary<string, string> { ["Projects/Web"] = "INBOX.Web" })["Projects/Web"]);
            Assert.Equal("INBOX.Web", MapAll(Dovecot("Projects/Web"), Courier(), new Dictionary<string, string> { ["Projects/Web"] = "Web" })["Projects/Web"]);
            Assert.Equal("INBOX.A.B", MapAll(Courier("INBOX.Projects"), Courier(), new Dictionary<string, string> { ["Projects"] = "A/B" })["INBOX.Projects"]);
        }

        [Fact]
        public void ExistingDestinationFoldersAreKnownAndMissingOnesAreToCreate()
        {
            IReadOnlyList<FolderPair> pairs = FolderMapper.Map(Dovecot("Projects"), Exchange("Projects"),
                FolderMapper.Select(Dovecot("Projects", "Clients"), null, false, null, out _), null);
            Assert.True(pairs.Single(p => p.Source.FullName == "Projects").DestinationExists);
            Assert.False(pairs.Single(p => p.Source.FullName == "Clients").DestinationExists);
            Assert.Equal("special use Sent", pairs.Single(p => p.Source.FullName == "Sent").Reason);
        }

        [Fact]
        public void SelectTakesNamedFoldersAndWithRecurseThoseBelow()
        {
            MailboxLayout source = Dovecot("Projects", "Projects/Web", "Projects/Web/2024", "Clients");
            Assert.Equal(new[] { "Projects" }, FolderMapper.Select(source, new[] { "Projects" }, false, null, out _).Select(f => f.FullName));
            Assert.Equal(new[] { "Projects", "Projects/Web", "Projects/Web/2024" },
                FolderMapper.Select(source, new[] { "Projects" }, true, null, out _).Select(f => f.FullName));
            FolderMapper.Select(source, new[] { "Nope", "Clients" }, false, null, out IReadOnlyList<string> missing);
            Assert.Equal(new[] { "Nope" }, missing);

            MailboxLayout courier = Courier("INBOX.Projects", "INBOX.Projects.Web");
            Assert.Equal(new[] { "INBOX.Projects", "INBOX.Projects.Web" },
                FolderMapper.Select(courier, new[] { "Projects" }, true, null, out _).Select(f => f.FullName));
        }

        [Fact]
        public void ExcludedFoldersTakeTheirSubfoldersAlong()
        {
            MailboxLayout source = Dovecot("Projects", "Projects/Web", "Clients");
            Func<string, bool> excluded = n => n == "Projects" || n == "Junk";
            var chosen = FolderMapper.Select(source, null, false, excluded, out _).Select(f => f.FullName).ToList();
            Assert.DoesNotContain("Projects", chosen);
            Assert.DoesNotContain("Projects/Web", chosen);
            Assert.DoesNotContain("Junk", chosen);
            Assert.Contains("Clients", chosen);
            Assert.Contains("INBOX", chosen);
        }

        [Fact]
        public void ExcludePatternsSeeTheSlashFormOnADotServer()
        {
            MailboxLayout source = Courier("INBOX.Projects", "INBOX.Projects.Web");
            var chosen = FolderMapper.Select(source, null, false, n => n == "Projects/Web", out _).Select(f => f.FullName).ToList();
            Assert.Contains("INBOX.Projects", chosen);
            Assert.DoesNotContain("INBOX.Projects.Web", chosen);
        }
    }
}
