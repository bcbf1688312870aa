// The place for the day's briefing, above the cards. It stays empty until the sidecar serves briefings.
export async function showBriefing(section) {
  section.hidden = true;
}
