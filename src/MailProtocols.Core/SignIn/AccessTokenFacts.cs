using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using MailProtocols.Core.Errors;

namespace MailProtocols.Core.SignIn
{
    /// <summary>
    /// What an access token says about itself (audience, scopes or roles, account, expiry), read from its JWT
    /// payload without checking the signature (the server does that). Never holds the token.
    /// </summary>
    internal sealed class AccessTokenFacts
    {
        private static readonly string[] GraphAudiences = { "https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000", "https://graph.microsoft.us", "https://microsoftgraph.chinacloudapi.cn", "https://dod-graph.microsoft.us" };

        public string Audience { get; private set; }

        public string[] Scopes { get; private set; } = new string[0];

        public string[] Roles { get; private set; } = new string[0];

        public string Account { get; private set; }

        public DateTimeOffset? ExpiresOn { get; private set; }

        public bool IsGraph => Audience != null && GraphAudiences.Any(g => Audience.TrimEnd('/').Equals(g, StringComparison.OrdinalIgnoreCase));

        /// <summary>The facts of a JWT access token, or null for a token that is not a readable JWT (opaque tokens exist).</summary>
        public static AccessTokenFacts Read(string token)
        {
            string[] parts = token?.Split('.');
            if (parts == null || parts.Length < 2)
            {
                return null;
            }

            try
            {
                string payload = parts[1].Replace('-', '+').Replace('_', '/');
                payload = payload.PadRight(payload.Length + ((4 - payload.Length % 4) % 4), '=');
                using (JsonDocument document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload))))
                {
                    JsonElement root = document.RootElement;
                    var facts = new AccessTokenFacts
                    {
                        Audience = Text(root, "aud"),
                        Account = Text(root, "upn") ?? Text(root, "preferred_username") ?? Text(root, "unique_name") ?? Text(root, "appid"),
                        Scopes = (Text(root, "scp") ?? string.Empty).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries),
                        Roles = root.TryGetProperty("roles", out JsonElement roles) && roles.ValueKind == JsonValueKind.Array
                            ? roles.EnumerateArray().Select(r => r.GetString()).ToArray()
                            : new string[0],
                    };
                    if (root.TryGetProperty("exp", out JsonElement exp) && exp.TryGetInt64(out long seconds))
                    {
                        facts.ExpiresOn = DateTimeOffset.FromUnixTimeSeconds(seconds);
                    }

                    return facts;
                }
            }
            catch (Exception ex) when (ex is FormatException || ex is JsonException || ex is ArgumentException || ex is InvalidOperationException)
            {
                return null;
            }
        }

        /// <summary>A Graph token opens no mailbox: say so before the server refuses it with a bare "authentication failed".</summary>
        public static MailProtocolException GraphAudience(AccessTokenFacts facts, string protocol) =>
            new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.TokenAudienceGraph,
                $"The access token is for Microsoft Graph (audience {facts.Audience}), but {protocol} needs a token for Office 365 Exchange Online. " +
                $"Ask for the scope https://outlook.office.com/{(protocol == "POP3" ? "POP" : protocol)}.AccessAsUser.All (delegated) or https://outlook.office365.com/.default (app-only) instead of a Graph scope, " +
                "and give the app that API permission (Office 365 Exchange Online) in its registration.");

        private static string Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
