using Gateway.App.Features.ApiDocs;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Channels.Pages;
using Gateway.App.Features.Diagnostics;
using Gateway.App.Features.Health;
using Gateway.App.Features.Inbox;
using Gateway.App.Features.Logging;
using Gateway.App.Features.Metrics;
using Gateway.App.Features.Notices;
using Gateway.App.Features.Oversight;
using Gateway.App.Features.Privacy;
using Gateway.App.Features.Residents;
using Gateway.App.Features.Simulator;
using Gateway.App.Features.Web;
using Gateway.App.Features.Webhooks;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultUrls();

builder.Services.AddGatewayCore();
builder.Services.AddGatewayDatabase();
builder.Services.AddGatewayOutbox();
builder.Services.AddGatewayMessaging(builder.Configuration);
builder.Services.AddGatewayFeatures();
builder.Services.AddChannels(builder.Configuration);
builder.Services.AddOversight();
builder.Services.AddNotices();
builder.Services.AddGatewayAuth();
builder.Services.AddGatewayHealth();
builder.Services.AddGatewayMetrics();
builder.Services.AddGatewayOpenApi();
builder.Services.AddWebPages();
builder.Services.AddProblemDetails();

var app = builder.Build();
await app.PrepareAsync(Startup.IsMigrateOnly(args));
if (Startup.IsMigrateOnly(args)) return;
await Gateway.App.Features.Accounts.AccountsSetup.UseAccountsAndSignInAsync(app); // forwarded headers + HSTS first, admin API/page, bootstrap admin

app.UseCorrelationIds();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapGatewayHealth();
app.MapGatewayMetrics();
app.MapGatewayOpenApi();
app.MapWebhooksApi();
app.MapAuthApi();
app.MapLoginPages();
app.MapInbox();
app.MapOversight();
app.MapNotices();
app.MapResidentsApi();
app.MapPrivacy();
app.MapSimulatorApi();
app.MapSimulatorPage();
app.MapWebPages();
app.MapResidentPages();
app.MapChannelPages();
app.MapEmptyEndpoint();

app.Run();

public partial class Program;
