using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Notices.Scheduling;

/// <summary>Fails start-up with the exact setting to fix, rather than at the first notice hours later.</summary>
internal sealed class NoticesOptionsValidator : IValidateOptions<NoticesOptions>
{
    public ValidateOptionsResult Validate(string? name, NoticesOptions options) =>
        QuietHours.Validate(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
