using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>The folder names tab completion offers: kept current by rename and delete, including everything below.</summary>
    public class ImapFolderCacheTests
    {
        private static ImapFolderCache Cache(params string[] names)
        {
            var cache = new ImapFolderCache();
            cache.ReplaceAll(names);
            return cache;
        }

        [Fact]
        public void NamesAreSortedIgnoringCaseAndEmptyNamesAreDropped()
        {
            ImapFolderCache cache = Cache("b", "A", "", null, "C");
            Assert.Equal(new[] { "A", "b", "C" }, cache.Names);
            Assert.True(cache.IsComplete);
            Assert.False(new ImapFolderCache().IsComplete);
        }

        [Fact]
        public void RemoveTakesDescendantsButNotSiblingsWithTheSamePrefix()
        {
            ImapFolderCache cache = Cache("Projects", "Projects/Web", "Projects/Web/2024", "ProjectsOld", "Projects.Web");
            cache.Remove("Projects", '/');
            Assert.Equal(new[] { "Projects.Web", "ProjectsOld" }, cache.Names);
        }

        [Fact]
        public void RenameMovesDescendants()
        {
            ImapFolderCache cache = Cache("Projects", "Projects/Web", "Projects/Web/2024", "ProjectsOld");
            cache.Rename("Projects", "Archive/Projects", '/');
            Assert.Equal(new[] { "Archive/Projects", "Archive/Projects/Web", "Archive/Projects/Web/2024", "ProjectsOld" }, cache.Names);
        }

        [Fact]
        public void WithoutASeparatorOnlyTheFolderItselfIsTouched()
        {
            ImapFolderCache cache = Cache("a", "a/b");
            cache.Remove("a", '\0');
            Assert.Equal(new[] { "a/b" }, cache.Names);
        }

        [Fact]
        public void RenameOfAFolderNotYetListedStillAddsTheNewName()
        {
            ImapFolderCache cache = Cache("x");
            cache.Rename("y", "z", '/');
            cache.Add("");
            Assert.Equal(new[] { "x", "z" }, cache.Names);
        }
    }
}
