using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Leitstand.Leads;

/// <summary>
/// The use case behind <c>POST /api/leads</c>, free of HTTP: rate limit, bot checks, validation, capture.
/// </summary>
public sealed class SubmitLead(LeadFormRateLimiter rateLimiter, CaptureLead capture, LeadCaptureSettings settings,
    TimeProvider clock, ILogger<SubmitLead> log)
{
    public async Task<SubmitLeadResult> ExecuteAsync(LeadRequest request, CancellationToken ct)
    {
        var decision = await rateLimiter.HitAsync(request.ClientAddress, ct);
        if (!decision.Allowed)
        {
            log.LogInformation("Lead form rate limit reached; retry after {Seconds} s", decision.RetryAfterSeconds);
            return new SubmitLeadResult.RateLimited(decision.RetryAfterSeconds);
        }

        if (LooksLikeBot(request, out var reason))
        {
            log.LogInformation("Lead form submission discarded as bot ({Reason})", reason);
            return new SubmitLeadResult.Discarded();
        }

        if (request.BodyErrors.Count > 0)
            return new SubmitLeadResult.Invalid(request.BodyErrors);

        var validation = LeadValidator.Validate(request.Fields, request.Referer);
        if (!validation.IsValid)
            return new SubmitLeadResult.Invalid(validation.Errors);

        var result = await capture.ExecuteAsync(validation.Submission!, ct);
        if (result is null)
            return new SubmitLeadResult.Invalid(new Dictionary<string, IReadOnlyList<string>>
            {
                [LeadFields.ConsentTextVersion] = ["Diese Version des Einwilligungstextes kennen wir nicht. Bitte lade die Seite neu."],
            });
        log.LogInformation("Lead {LeadId} captured (new: {Created}, reopened: {Reopened}, message sent: {Sent}, objection lifted: {ObjectionLifted})",
            result.LeadId, result.Created, result.Reopened, result.MessageSent, result.ObjectionLifted);
        return new SubmitLeadResult.Accepted(result.LeadId, result.Created);
    }

    private bool LooksLikeBot(LeadRequest request, out string reason)
    {
        reason = "";
        if (request.Fields.TryGetValue(LeadFields.Honeypot, out var honeypot) && !string.IsNullOrWhiteSpace(honeypot))
        {
            reason = "honeypot filled";
            return true;
        }
        if (!request.IsFormPost) return false;

        // Browsers without JavaScript send no start time; they are not penalised.
        if (!request.Fields.TryGetValue(LeadFields.FormStartedAt, out var startedText) || string.IsNullOrWhiteSpace(startedText))
            return false;
        if (!long.TryParse(startedText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var startedMs))
        {
            reason = "unreadable start time";
            return true;
        }
        var elapsed = clock.GetUtcNow().ToUnixTimeMilliseconds() - startedMs;
        if (elapsed < settings.MinFillSeconds * 1000)
        {
            reason = elapsed < 0 ? "start time in the future" : $"filled in {elapsed} ms";
            return true;
        }
        return false;
    }
}

/// <summary>The form fields as sent, with problems found while reading the body (e.g. malformed JSON).</summary>
public sealed record LeadRequest(
    IReadOnlyDictionary<string, string?> Fields,
    IReadOnlyDictionary<string, IReadOnlyList<string>> BodyErrors,
    bool IsFormPost,
    string? ClientAddress,
    string? Referer);

public abstract record SubmitLeadResult
{
    public sealed record Accepted(Guid LeadId, bool Created) : SubmitLeadResult;
    /// <summary>A bot: answered like a success, nothing stored.</summary>
    public sealed record Discarded : SubmitLeadResult;
    public sealed record Invalid(IReadOnlyDictionary<string, IReadOnlyList<string>> Errors) : SubmitLeadResult;
    public sealed record RateLimited(int RetryAfterSeconds) : SubmitLeadResult;
}
