using System;
using System.Net;
using System.Net.Http;
using Microsoft.Identity.Client;

namespace MailProtocols.Core.SignIn
{
    /// <summary>Token requests through -Proxy (socks5, socks4 or http), as the mail connection goes; one HttpClient per sign-in.</summary>
    internal sealed class ProxyHttpClientFactory : IMsalHttpClientFactory
    {
        private readonly HttpClient _client;

        public ProxyHttpClientFactory(ConnectionSettings settings)
        {
            var proxy = new WebProxy(settings.Proxy);
            if (settings.ProxyUserName != null)
            {
                proxy.Credentials = new NetworkCredential(settings.ProxyUserName, settings.ProxyPassword);
            }

            _client = new HttpClient(new HttpClientHandler { Proxy = proxy, UseProxy = true }) { Timeout = TimeSpan.FromSeconds(100) };
        }

        public HttpClient GetHttpClient() => _client;
    }
}
