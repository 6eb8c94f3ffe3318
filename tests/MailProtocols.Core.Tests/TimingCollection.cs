using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>Tests with a time bound run on their own, not beside the other test classes, so the bound measures them alone.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public class TimingCollection
    {
        public const string Name = "Timing";
    }
}
