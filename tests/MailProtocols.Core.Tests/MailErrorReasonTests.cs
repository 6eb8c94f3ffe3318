using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using MailProtocols.Core.Errors;
using Xunit;

namespace MailProtocols.Core.Tests
{
    /// <summary>The reason words that end every ErrorId: one constant each, named as it reads.</summary>
    public class MailErrorReasonTests
    {
        private static readonly FieldInfo[] Reasons = typeof(MailErrorReason)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .ToArray();

        [Fact]
        public void There_are_reasons_at_all() => Assert.True(Reasons.Length > 60, $"only {Reasons.Length} reason constants");

        [Fact]
        public void Every_reason_is_a_PascalCase_word_equal_to_its_name()
        {
            foreach (FieldInfo field in Reasons)
            {
                string value = (string)field.GetRawConstantValue();
                Assert.Matches(new Regex("^[A-Z][A-Za-z0-9]*$"), value);
                Assert.Equal(field.Name, value);
            }
        }

        [Fact]
        public void Every_reason_is_distinct()
        {
            string[] duplicates = Reasons.Select(f => (string)f.GetRawConstantValue())
                .GroupBy(v => v, System.StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
            Assert.Empty(duplicates);
        }
    }
}
