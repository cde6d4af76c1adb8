using System.Text;
using Leitstand.Fulfilment;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;

namespace Leitstand.Functions.Fulfilment;

/// <summary>
/// The customer's onboarding page behind the signed link (anonymous; the token is the authorisation): GET shows the
/// questionnaire (or, once submitted, the thank-you with the answers and the customer's install: appointment, progress by
/// hour block, handover summary; <see cref="GetCustomerInstall"/>), POST saves a draft or submits. HTML only,
/// no script (CSP without script-src), form posts with redirect after success; 413 over Fulfilment__MaxBodyBytes.
/// </summary>
public sealed class OnboardingPageFunction(OpenOnboarding open, SaveOnboardingDraft saveDraft, SubmitOnboarding submit, GetCustomerInstall install,
    FulfilmentSettings settings)
{
    [Function("OnboardingPage")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "onboarding/{token}")] HttpRequest req, string token, CancellationToken ct)
    {
        var headers = req.HttpContext.Response.Headers;
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers["X-Content-Type-Options"] = "nosniff";
        headers["X-Robots-Tag"] = "noindex";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        var action = req.Path.Value ?? "";
        return await HttpEdge.RunAsync(req, async () =>
        {
            if (!HttpMethods.IsPost(req.Method))
            {
                var onboarding = await open.ExecuteAsync(token, ct);
                if (onboarding is null) return Html(OnboardingPages.LinkNotWorking());
                if (onboarding.Submitted) return Html(OnboardingPages.Submitted(onboarding, await install.ExecuteAsync(onboarding.LeadId, ct)));
                var saved = req.Query.ContainsKey("gespeichert") ? $"Entwurf gespeichert. Du kannst jederzeit über diesen Link weitermachen." : null;
                return Html(OnboardingPages.Questionnaire(onboarding, action, notice: saved));
            }

            if (!(req.ContentType ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
                return Html(OnboardingPages.UnsupportedType());
            var body = await HttpEdge.ReadBoundedAsync(req, settings.MaxBodyBytes, ct);
            if (body is null) return Html(OnboardingPages.TooLarge(settings.MaxBodyBytes));
            var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body))
                .Where(kv => kv.Value.Count > 0)
                .ToDictionary(kv => kv.Key, kv => kv.Value[^1] ?? "", StringComparer.Ordinal);
            var submitting = form.GetValueOrDefault("action") == "submit";
            var result = submitting ? await submit.ExecuteAsync(token, form, ct) : await saveDraft.ExecuteAsync(token, form, ct);
            return result switch
            {
                OnboardingPost.Saved { Errors.Count: 0 } => SeeOther(action + "?gespeichert=1"),
                OnboardingPost.Saved s => Html(OnboardingPages.Questionnaire(s.Onboarding, action, form, s.Errors,
                    submitting ? "Noch nicht abgeschickt: Bitte prüfe die markierten Felder. Alles andere ist als Entwurf gespeichert."
                               : "Entwurf gespeichert, bis auf die markierten Felder.", StatusCodes.Status422UnprocessableEntity)),
                OnboardingPost.Submitted => SeeOther(action),
                OnboardingPost.AlreadySubmitted a => Html(OnboardingPages.Submitted(a.Onboarding, await install.ExecuteAsync(a.Onboarding.LeadId, ct),
                    "Deine Antworten waren schon abgeschickt; es wurde nichts geändert.", StatusCodes.Status409Conflict)),
                _ => Html(OnboardingPages.LinkNotWorking()),
            };
        }, () => HttpEdge.WithRetryAfter(Html(OnboardingPages.Unavailable()), 30));
    }

    private static ContentResult Html((int Status, string Html) page) =>
        new() { StatusCode = page.Status, ContentType = "text/html; charset=utf-8", Content = page.Html };

    private static IActionResult SeeOther(string location) => HttpEdge.WithHeader(new StatusCodeResult(StatusCodes.Status303SeeOther), "Location", location);
}
