package io.fwoa.constructs;

import java.util.Objects;

/** Properties of {@link FhirAlarms}. {@code stage} and {@code service} are required. */
public final class FhirAlarmsProps {

  private final String stage;
  private final FhirService service;
  private final FhirSearch search;
  private final String alarmEmail;

  private FhirAlarmsProps(Builder b) {
    this.stage = Objects.requireNonNull(b.stage, "stage is required");
    this.service = Objects.requireNonNull(b.service, "service is required");
    this.search = b.search;
    this.alarmEmail = b.alarmEmail;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String getStage() {
    return stage;
  }

  public FhirService getService() {
    return service;
  }

  /** The search construct to watch, or null. */
  public FhirSearch getSearch() {
    return search;
  }

  /** Address subscribed to the alarm topic, or null. */
  public String getAlarmEmail() {
    return alarmEmail;
  }

  public static final class Builder {
    private String stage;
    private FhirService service;
    private FhirSearch search;
    private String alarmEmail;

    private Builder() {}

    public Builder stage(String stage) {
      this.stage = stage;
      return this;
    }

    public Builder service(FhirService service) {
      this.service = service;
      return this;
    }

    public Builder search(FhirSearch search) {
      this.search = search;
      return this;
    }

    /** Subscribes this address to the alarm topic (it must confirm the subscription). */
    public Builder alarmEmail(String alarmEmail) {
      this.alarmEmail = alarmEmail;
      return this;
    }

    public FhirAlarmsProps build() {
      return new FhirAlarmsProps(this);
    }
  }
}
