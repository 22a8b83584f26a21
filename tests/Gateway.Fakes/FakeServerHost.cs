using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Fakes;

/// <summary>
/// Kestrel on 127.0.0.1 with a port the OS picks. Built from an empty builder so no appsettings.json or
/// ASPNETCORE_* variable of the process under test can add endpoints or change behaviour.
/// </summary>
internal sealed class FakeServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeServerHost(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Base URL without a trailing slash, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; }

    public static async Task<FakeServerHost> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeServerHost(app, address.TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
