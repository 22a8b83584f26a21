using Gateway.App.Features.Notices.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.App.Tests.Notices.Scheduling;

/// <summary>Vietnam is UTC+7: 07:00 local is 00:00 UTC, 22:00 local is 15:00 UTC.</summary>
public sealed class QuietHoursTests
{
    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso + "Z").ToUniversalTime();

    private static QuietHours Hours(string start = "07:00", string end = "22:00", string zone = "Asia/Ho_Chi_Minh") =>
        new(new NoticesOptions { TimeZone = zone, QuietHours = new() { Start = start, End = end } });

    [Theory]
    [InlineData("2026-03-02T00:00:00", true)]  // 07:00 local: the window opens
    [InlineData("2026-03-02T00:30:00", true)]  // 07:30
    [InlineData("2026-03-02T14:59:59", true)]  // 21:59:59
    [InlineData("2026-03-02T15:00:00", false)] // 22:00: closed
    [InlineData("2026-03-02T20:00:00", false)] // 03:00 next day
    [InlineData("2026-03-02T23:59:59", false)] // 06:59:59
    public void Should_allow_sending_from_seven_to_ten_local_time(string utc, bool allowed) =>
        Assert.Equal(allowed, Hours().IsSendingAllowed(Utc(utc)));

    [Fact]
    public void Should_wait_for_the_next_morning_at_night()
    {
        var hours = Hours();
        Assert.Equal(Utc("2026-03-03T00:00:00"), hours.NextWindowStart(Utc("2026-03-02T15:30:00"))); // 22:30 → 07:00 tomorrow
        Assert.Equal(Utc("2026-03-03T00:00:00"), hours.NextWindowStart(Utc("2026-03-02T22:00:00"))); // 05:00 → 07:00 today (local)
        var now = Utc("2026-03-02T03:00:00");
        Assert.Equal(now, hours.NextWindowStart(now));
    }

    [Fact]
    public void Should_tell_when_the_current_window_closes()
    {
        var hours = Hours();
        Assert.Equal(Utc("2026-03-02T15:00:00"), hours.WindowEnd(Utc("2026-03-02T00:30:00")));
        Assert.Equal(Utc("2026-03-03T15:00:00"), hours.WindowEnd(Utc("2026-03-02T16:00:00"))); // closed now: the next window's end
    }

    [Fact]
    public void Should_handle_a_window_across_midnight()
    {
        var hours = Hours("20:00", "06:00");
        Assert.True(hours.IsSendingAllowed(Utc("2026-03-02T16:00:00")));  // 23:00
        Assert.True(hours.IsSendingAllowed(Utc("2026-03-02T20:00:00")));  // 03:00
        Assert.False(hours.IsSendingAllowed(Utc("2026-03-02T05:00:00"))); // 12:00
        Assert.False(hours.IsSendingAllowed(Utc("2026-03-02T23:00:00"))); // 06:00
        Assert.Equal(Utc("2026-03-02T13:00:00"), hours.NextWindowStart(Utc("2026-03-02T05:00:00"))); // 12:00 → 20:00
        Assert.Equal(Utc("2026-03-02T23:00:00"), hours.WindowEnd(Utc("2026-03-02T16:00:00")));       // 23:00 → 06:00 next day
        Assert.Equal(Utc("2026-03-02T23:00:00"), hours.WindowEnd(Utc("2026-03-02T20:00:00")));       // 03:00 → 06:00 same day
    }

    [Fact]
    public void Should_always_allow_when_start_equals_end()
    {
        var hours = Hours("00:00", "00:00");
        for (var t = Utc("2026-03-02T00:00:00"); t < Utc("2026-03-03T00:00:00"); t = t.AddMinutes(17))
        {
            Assert.True(hours.IsSendingAllowed(t));
            Assert.Equal(t, hours.NextWindowStart(t));
            Assert.Equal(DateTimeOffset.MaxValue, hours.WindowEnd(t));
        }
    }

    [Theory]
    [InlineData("07:00", "22:00")]
    [InlineData("20:00", "06:00")]
    [InlineData("08:30", "11:45")]
    [InlineData("07:00", "00:00")]
    public void Should_agree_with_itself_every_few_minutes_over_three_days(string start, string end)
    {
        var hours = Hours(start, end);
        for (var t = Utc("2026-03-01T00:00:00"); t < Utc("2026-03-04T00:00:00"); t = t.AddMinutes(7).AddSeconds(13))
        {
            var opens = hours.NextWindowStart(t);
            Assert.True(opens >= t);
            Assert.True(hours.IsSendingAllowed(opens));
            if (opens > t) Assert.False(hours.IsSendingAllowed(opens.AddSeconds(-1)));
            var closes = hours.WindowEnd(t);
            Assert.True(closes > opens);
            Assert.False(hours.IsSendingAllowed(closes));
            Assert.True(hours.IsSendingAllowed(closes.AddSeconds(-1)));
        }
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", "07:00", "22:00", "Notices:TimeZone 'Mars/Olympus_Mons'")]
    [InlineData("", "07:00", "22:00", "Notices:TimeZone is required")]
    [InlineData("Asia/Ho_Chi_Minh", "7h", "22:00", "Notices:QuietHours:Start '7h'")]
    [InlineData("Asia/Ho_Chi_Minh", "07:00", "24:00", "Notices:QuietHours:End '24:00'")]
    public void Should_refuse_bad_options_with_a_clear_message(string zone, string start, string end, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => Hours(start, end, zone));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task Should_fail_start_up_on_a_bad_time_zone()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Notices:TimeZone"] = "Asia/Saigon_Typo" });
        builder.Services.AddNoticeScheduling();
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Notices:TimeZone 'Asia/Saigon_Typo'", ex.Message);
    }

    [Fact]
    public void Should_bind_the_notices_section()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notices:QuietHours:Start"] = "06:30",
            ["Notices:QuietHours:End"] = "21:00",
        });
        builder.Services.AddNoticeScheduling();
        using var host = builder.Build();
        var hours = host.Services.GetRequiredService<QuietHours>();
        Assert.Equal("Asia/Ho_Chi_Minh", hours.Zone.Id);
        Assert.True(hours.IsSendingAllowed(Utc("2026-03-01T23:30:00")));  // 06:30
        Assert.False(hours.IsSendingAllowed(Utc("2026-03-02T14:00:00"))); // 21:00
    }
}
