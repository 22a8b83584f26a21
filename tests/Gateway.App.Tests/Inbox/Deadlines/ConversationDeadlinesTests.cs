using Gateway.App.Features.Inbox;
using Gateway.App.Features.Inbox.Deadlines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using static Gateway.App.Tests.Inbox.Deadlines.WorkingCalendarTests;

namespace Gateway.App.Tests.Inbox.Deadlines;

/// <summary>Deadlines by category and province, counted in working time from when the conversation opened.</summary>
public sealed class ConversationDeadlinesTests
{
    private static readonly long MondayMorning = Vn(2026, 11, 23, 8, 0);

    internal static DeadlinesOptions Options(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(s => $"{DeadlinesOptions.Section}:{s.Key}", s => (string?)s.Value)).Build();
        var options = new DeadlinesOptions();
        options.Read(configuration.GetSection(DeadlinesOptions.Section));
        return options;
    }

    private static ConversationDeadlines Deadlines(DeadlinesOptions options) =>
        new(new WorkingCalendar(WorkingSchedule.Default, PublicHolidays.Shipped), new FixedMonitor<DeadlinesOptions>(options));

    [Fact]
    public void Should_give_an_uncategorized_conversation_4_working_hours_to_reply_and_3_working_days_to_resolve()
    {
        var (reply, resolve) = Deadlines(Options()).For("25", null, MondayMorning);

        Assert.Equal(Vn(2026, 11, 23, 14, 0), reply);    // 3h30 before lunch, 30 minutes after
        Assert.Equal(Vn(2026, 11, 26, 8, 0), resolve);   // 3 × 7h30 later: Thursday, same time
    }

    [Theory]
    [InlineData(ConversationCategory.CivilStatus, 2026, 11, 30)] // 5 working days
    [InlineData(ConversationCategory.Land, 2026, 12, 7)]         // 10 working days
    [InlineData(ConversationCategory.Health, 2026, 11, 26)]      // the default, 3
    public void Should_give_civil_status_and_land_longer_to_resolve(string category, int y, int m, int d)
    {
        var (reply, resolve) = Deadlines(Options()).For("25", category, MondayMorning);

        Assert.Equal(Vn(2026, 11, 23, 14, 0), reply);
        Assert.Equal(Vn(y, m, d, 8, 0), resolve);
    }

    [Fact]
    public void Should_take_each_deadline_from_the_most_specific_setting()
    {
        var deadlines = Deadlines(Options(
            ("Default:FirstReply", "2h"),
            ("Default:health:FirstReply", "30m"),
            ("Provinces:15:Resolve", "1d"),
            ("Provinces:15:land:FirstReply", "1d4h"),
            ("Provinces:15:land:Resolve", "00:45:00")));

        Assert.Equal((Vn(2026, 11, 23, 10, 0), Vn(2026, 11, 26, 8, 0)), deadlines.For("25", null, MondayMorning));
        Assert.Equal((Vn(2026, 11, 23, 8, 30), Vn(2026, 11, 26, 8, 0)), deadlines.For("25", ConversationCategory.Health, MondayMorning));
        Assert.Equal((Vn(2026, 11, 23, 10, 0), Vn(2026, 11, 24, 8, 0)), deadlines.For("15", null, MondayMorning));
        // Per deadline: the province's default resolution (1d) wins over the country-wide civil status one (5d); it
        // sets no first reply, so health keeps the country-wide 30 minutes. The province's category wins over all.
        Assert.Equal((Vn(2026, 11, 23, 10, 0), Vn(2026, 11, 24, 8, 0)), deadlines.For("15", ConversationCategory.CivilStatus, MondayMorning));
        Assert.Equal((Vn(2026, 11, 23, 8, 30), Vn(2026, 11, 24, 8, 0)), deadlines.For("15", ConversationCategory.Health, MondayMorning));
        Assert.Equal((Vn(2026, 11, 24, 14, 0), Vn(2026, 11, 23, 8, 45)), deadlines.For("15", ConversationCategory.Land, MondayMorning));
    }

    [Fact]
    public void Should_read_escalation_and_interval_settings()
    {
        var options = Options(("EscalateAfter", "4h"), ("CheckInterval", "00:05:00"), ("AutoEscalate", "false"));

        Assert.Empty(options.Problems);
        Assert.Equal(TimeSpan.FromHours(4), options.EscalateAfter.ToWorkingTime(WorkingSchedule.Default));
        Assert.Equal(TimeSpan.FromMinutes(5), options.CheckInterval);
        Assert.False(options.AutoEscalate);
        Assert.Equal(TimeSpan.FromHours(7.5), Options().EscalateAfter.ToWorkingTime(WorkingSchedule.Default)); // 1 working day
    }

    [Theory]
    [InlineData("Default:lands:Resolve", "3d", "lands")]
    [InlineData("Default:Resolve", "three days", "three days")]
    [InlineData("Provinces:25:FirstReply", "0h", "0h")]
    [InlineData("EscalateAfter", "soon", "soon")]
    [InlineData("CheckInterval", "-00:01:00", "CheckInterval")]
    public void Should_name_each_setting_it_cannot_read(string key, string value, string named)
    {
        var options = Options((key, value));

        var problem = Assert.Single(options.Problems);
        Assert.Contains(named, problem);
    }
}

internal sealed class FixedMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;
    public T Get(string? name) => value;
    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
