using System.Linq;

namespace MailProtocols
{
    /// <summary>Names the features a feature map says are offered, for its ToString and the session's table.</summary>
    internal static class FeatureNames
    {
        public static string Of(object features) =>
            string.Join(" ", features.GetType().GetProperties()
                .Where(p => p.PropertyType == typeof(bool) && (bool)p.GetValue(features))
                .Select(p => p.Name));
    }
}
