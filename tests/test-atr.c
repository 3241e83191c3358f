/*
 * test-atr.c: naming tokens from their ATRs and USB ids (our devices.conf and pcsc-tools'
 * smartcard_list.txt, both read for real), and matching PC/SC readers to OpenSC slots.
 * No pcscd needed: these run in parallel with everything else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "pcsc.h"
#include "tap.h"

static size_t
atr_from_hex(const char *hex, unsigned char *out)
{
	unsigned int byte;
	size_t n = 0;
	int used;

	while (n < PCSC_ATR_MAX && sscanf(hex, " %2x%n", &byte, &used) == 1) {
		out[n++] = (unsigned char)byte;
		hex += used;
	}
	return n;
}

static int
name_atr(const char *hex, struct pcsc_model *model, struct tok_error *err)
{
	unsigned char atr[PCSC_ATR_MAX];
	size_t n = atr_from_hex(hex, atr);

	return pcsc_atr_name(atr, n, model, err);
}

static void
epass2003_is_named_from_our_table_with_its_quirks(void)
{
	struct tok_error err;
	struct pcsc_model model;

	check_int(name_atr("3B 9F 95 81 31 FE 9F 00 66 46 53 05 01 00 11 71 DF 00 00 03 6A 82 F8",
			   &model, &err),
		  0);
	check_int(model.source, PCSC_MODEL_DEVICE_TABLE);
	check_str(model.id, "epass2003");
	check_str(model.name, "Feitian ePass2003");
	check_str(model.driver, "epass2003");
	check(strstr(model.quirks, "needs-pkcs15-init") != NULL);
	check(model.key_types & (1u << TOK_KEY_RSA2048));
	check(model.key_types & (1u << TOK_KEY_EC_P256));
	check(!(model.key_types & (1u << TOK_KEY_RSA4096)));
}

static void
yubikey_5_is_named_from_our_table_as_piv(void)
{
	struct tok_error err;
	struct pcsc_model model;

	check_int(name_atr("3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40",
			   &model, &err),
		  0);
	check_str(model.id, "yubikey5");
	check_str(model.driver, "PIV-II");
	check(strstr(model.quirks, "piv-management-key") != NULL);
}

static void
plain_atr_is_named_from_smartcard_list(void)
{
	struct tok_error err;
	struct pcsc_model model;

	check_int(name_atr("3B 0F 00 65 46 53 05 16 05 71 DF 00 00 00 80 6A 82", &model, &err), 0);
	check_int(model.source, PCSC_MODEL_SMARTCARD_LIST);
	check_str(model.name, "Feitian ePass3000, OpenSC formatted");
	check_str(model.id, "");
	check_int(model.key_types, 0);
}

static void
wildcard_and_class_patterns_of_smartcard_list_match(void)
{
	struct tok_error err;
	struct pcsc_model model;

	/* "3B 39 19 00 53 4F 4D 41 44 53 33 30 3[1,3]": a class of nibbles */
	check_int(name_atr("3B 39 19 00 53 4F 4D 41 44 53 33 30 33", &model, &err), 0);
	check_int(model.source, PCSC_MODEL_SMARTCARD_LIST);
	check(model.name[0] != '\0');
	/* "3B 7F .. 00 00 80 31 80 65 B0 .. .. .. .. 12 0F FE 82 90 00" is IDPrime in our table */
	check_int(
	    name_atr("3B 7F 96 00 00 80 31 80 65 B0 84 41 3D F6 12 0F FE 82 90 00", &model, &err),
	    0);
	check_int(model.source, PCSC_MODEL_DEVICE_TABLE);
	check_str(model.id, "idprime");
}

static void
unknown_atr_is_success_with_no_name(void)
{
	struct tok_error err;
	struct pcsc_model model;

	check_int(name_atr("3B 02 99 99", &model, &err), 0);
	check_int(model.source, PCSC_MODEL_UNKNOWN);
	check_str(model.name, "");
}

static void
missing_device_table_is_an_io_error(void)
{
	struct tok_error err;
	struct pcsc_model model;

	pcsc_set_data_files(fixture_tmp_path("no-such-devices.conf"), NULL);
	check_int(name_atr("3B 02 14 50", &model, &err), TOK_ERR_IO);
	check(strstr(err.message, "no-such-devices.conf") != NULL);
	pcsc_set_data_files(DEVICES_CONF, NULL);
}

static void
missing_smartcard_list_only_leaves_cards_unnamed(void)
{
	struct tok_error err;
	struct pcsc_model model;

	pcsc_set_data_files(DEVICES_CONF, fixture_tmp_path("no-smartcard_list.txt"));
	check_int(name_atr("3B 0F 00 65 46 53 05 16 05 71 DF 00 00 00 80 6A 82", &model, &err), 0);
	check_int(model.source, PCSC_MODEL_UNKNOWN);
	pcsc_set_data_files(DEVICES_CONF, NULL);
}

static void
usb_ids_name_tokens_and_pinpad_readers(void)
{
	struct tok_error err;
	struct pcsc_model model;
	bool is_reader = true;

	check_int(pcsc_usb_lookup(0x096e, 0x0807, &model, &is_reader, &err), 0);
	check_str(model.id, "epass2003");
	check(!is_reader);
	check_int(pcsc_usb_lookup(0x072f, 0x90d2, &model, &is_reader, &err), 0);
	check(is_reader);
	check_str(model.id, "acr83");
	check_int(pcsc_usb_lookup(0x1050, 0x0407, &model, &is_reader, &err), 0);
	check_str(model.id, "yubikey5");
	check_int(pcsc_usb_lookup(0x1d6b, 0x0002, &model, &is_reader, &err), TOK_ERR_NOT_FOUND);
}

static void
atr_hex_is_upper_case_with_single_spaces(void)
{
	const unsigned char atr[] = {0x3b, 0x02, 0x14, 0x50};
	char hex[PCSC_ATR_HEX_MAX];

	pcsc_atr_hex(atr, sizeof atr, hex);
	check_str(hex, "3B 02 14 50");
}

static void
reader_matches_its_opensc_slot_and_no_other(void)
{
	char padded[65];
	const char *long_reader = "Alcor Micro AU9540 00 00 [Very Long Interface Name Of The Reade"
				  "r] 00 01";

	snprintf(padded, sizeof padded, "%-64s", "Virtual PCD 00 00");
	check(pcsc_reader_matches_slot("Virtual PCD 00 00", "Virtual PCD 00 00"));
	check(pcsc_reader_matches_slot("Virtual PCD 00 00", padded));
	check(pcsc_reader_matches_slot("Virtual PCD 00 00", "Virtual PCD 00 00 (PIV Card)"));
	check(!pcsc_reader_matches_slot("Virtual PCD 00 00", "Virtual PCD 00 01"));
	check(!pcsc_reader_matches_slot("Virtual PCD 00 0", "Virtual PCD 00 01"));
	check(!pcsc_reader_matches_slot("Virtual PCD 00 00", "Virtual PCD"));
	/* slotDescription holds 64 bytes: a longer reader name arrives cut there */
	snprintf(padded, sizeof padded, "%.64s", long_reader);
	check(pcsc_reader_matches_slot(long_reader, padded));
	check(!pcsc_reader_matches_slot(NULL, padded));
}

int
main(void)
{
	pcsc_set_data_files(DEVICES_CONF, NULL);
	TAP_TEST(epass2003_is_named_from_our_table_with_its_quirks);
	TAP_TEST(yubikey_5_is_named_from_our_table_as_piv);
	TAP_TEST(plain_atr_is_named_from_smartcard_list);
	TAP_TEST(wildcard_and_class_patterns_of_smartcard_list_match);
	TAP_TEST(unknown_atr_is_success_with_no_name);
	TAP_TEST(missing_device_table_is_an_io_error);
	TAP_TEST(missing_smartcard_list_only_leaves_cards_unnamed);
	TAP_TEST(usb_ids_name_tokens_and_pinpad_readers);
	TAP_TEST(atr_hex_is_upper_case_with_single_spaces);
	TAP_TEST(reader_matches_its_opensc_slot_and_no_other);
	pcsc_set_data_files(NULL, NULL);
	return tap_done();
}
