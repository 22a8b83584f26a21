using Gateway.App.Features.Channels;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Notices.Sending;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Features.Outbound;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;
using Gateway.Channels.Text;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Notices.Broadcasts;

public sealed record CommuneCount(string CommuneCode, long Count);
public sealed record LanguageCount(string Language, long Count, long Fallback);
public sealed record ChannelCount(string Channel, long Count);
public sealed record VersionPreview(string Language, string Text, string Encoding, int Segments, string? ZaloText);
public sealed record Money(decimal Amount, string Currency);
public sealed record SkippedCount(long OptedOut, long NoChannel);
public sealed record PreviewDto(long Recipients, IReadOnlyList<CommuneCount> ByCommune, IReadOnlyList<LanguageCount> ByLanguage,
    IReadOnlyList<ChannelCount> ByChannel, IReadOnlyList<VersionPreview> Versions, Money EstimatedCost, long EstimatedDurationSeconds, SkippedCount Skipped);

/// <summary>
/// What a broadcast would do, computed the way the expander will: the same audience pages, the same channel
/// policy, the same rendering. Cost from <c>Notices:Prices</c> (per SMS segment, per Zalo message); duration
/// from each channel's <c>MessagesPerSecond</c> (channels send side by side, so the slowest decides).
/// </summary>
public sealed class BroadcastPreview(Db db, CommuneDirectory directory, NoticeChannelPolicy policy, ChannelCatalog channels,
    IOptions<NoticeDeliveryOptions> options, TimeProvider time)
{
    public async Task<PreviewDto> ComputeAsync(NoticeTemplate template, IReadOnlyDictionary<string, string> values, Audience audience, string provinceCode, CancellationToken ct = default)
    {
        var byCommune = new Dictionary<string, long>();
        var byLanguage = new Dictionary<string, (long Count, long Fallback)>();
        var byChannel = new Dictionary<string, (string Type, long Count, long Units)>();
        var rendered = new Dictionary<string, RenderedNotice>();
        long recipients = 0, noChannel = 0;
        var now = time.NowMs();
        var zns = await policy.ZnsUsableAsync(template, provinceCode, ct);
        var after = "";
        await using var c = await db.OpenAsync(ct);
        while (true)
        {
            var page = await AudienceQuery.PageAsync(c, null, db.Dialect, directory, audience, provinceCode, after, options.Value.ChunkSize);
            foreach (var m in page)
            {
                var choice = policy.Choose(m, provinceCode, now, zns);
                if (choice.SkipReason is not null) { noChannel++; continue; }
                recipients++;
                var wanted = m.Language ?? Languages.Vietnamese;
                if (!rendered.TryGetValue(wanted, out var r)) rendered[wanted] = r = TemplateRenderer.Render(template, m.Language, values, directory);
                byCommune[m.CommuneCode] = byCommune.GetValueOrDefault(m.CommuneCode) + 1;
                var l = byLanguage.GetValueOrDefault(wanted);
                byLanguage[wanted] = (l.Count + 1, l.Fallback + (r.Fallback ? 1 : 0));
                var text = choice.ChannelType == ChannelTypes.Zalo ? r.Zalo : r.Sms;
                var ch = byChannel.GetValueOrDefault(choice.ChannelKey!, (choice.ChannelType!, 0, 0));
                byChannel[choice.ChannelKey!] = (ch.Type, ch.Count + 1, ch.Units + OutboundSender.Cost(choice.ChannelType!, text));
            }
            if (page.Count < options.Value.ChunkSize) break;
            after = page[^1].ResidentId;
        }
        var optedOut = await AudienceQuery.CountOptedOutAsync(c, db.Dialect, directory, audience, provinceCode);

        var versions = rendered.Values.GroupBy(r => r.Language).Select(g => g.First())
            .Append(TemplateRenderer.Render(template, Languages.Vietnamese, values, directory))
            .DistinctBy(r => r.Language)
            .Select(r => { var info = SmsEncoding.Analyze(r.Sms); return new VersionPreview(r.Language, r.Sms, info.Encoding == SmsCharset.Gsm7 ? "GSM-7" : "UCS-2", info.Segments, r.Zalo); })
            .OrderBy(v => v.Language == Languages.Vietnamese ? "" : v.Language).ToList();
        var cost = byChannel.Values.Sum(ch => ch.Units * options.Value.Prices.GetValueOrDefault(NoticeChannelPolicy.WayOf(ch.Type)));
        var duration = byChannel.Select(kv => channels.Find(kv.Key)?.Options.MessagesPerSecond is > 0 and var rate ? kv.Value.Units / rate : 0).DefaultIfEmpty(0).Max();
        return new PreviewDto(recipients,
            byCommune.OrderByDescending(kv => kv.Value).Select(kv => new CommuneCount(kv.Key, kv.Value)).ToList(),
            byLanguage.OrderByDescending(kv => kv.Value.Count).Select(kv => new LanguageCount(kv.Key, kv.Value.Count, kv.Value.Fallback)).ToList(),
            byChannel.Select(kv => new ChannelCount(kv.Key, kv.Value.Count)).ToList(),
            versions, new Money(cost, options.Value.Currency), (long)Math.Ceiling(duration), new SkippedCount(optedOut, noChannel));
    }
}
