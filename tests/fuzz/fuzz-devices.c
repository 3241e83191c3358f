/*
 * fuzz-devices.c: libFuzzer harness for the two device tables read at run time: our
 * devices.conf and pcsc-tools' smartcard_list.txt (a site may edit either).
 * Input: one byte choosing the table and the ATR's length, the ATR, then the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pcsc.h"

static char table_path[] = "/tmp/fuzz-devices-XXXXXX";
static char empty_path[] = "/tmp/fuzz-devices-empty-XXXXXX";

static int
make_files(void)
{
	int fd;

	if ((fd = mkstemp(table_path)) < 0)
		return -1;
	close(fd);
	if ((fd = mkstemp(empty_path)) < 0)
		return -1;
	close(fd);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready = -2;
	struct pcsc_model model;
	struct tok_error err;
	size_t atr_len;
	bool is_reader;
	FILE *f;

	if (ready == -2)
		ready = make_files();
	if (ready != 0 || size < 1)
		return 0;
	atr_len = 1 + (data[0] >> 1) % PCSC_ATR_MAX;
	if (size < 1 + atr_len)
		return 0;
	if ((f = fopen(table_path, "w")) == NULL)
		return 0;
	fwrite(data + 1 + atr_len, 1, size - 1 - atr_len, f);
	fclose(f);
	/* Bit 0: the input is devices.conf, or smartcard_list.txt behind an empty one. */
	if (data[0] & 1)
		pcsc_set_data_files(table_path, empty_path);
	else
		pcsc_set_data_files(empty_path, table_path);
	pcsc_atr_name(data + 1, atr_len, &model, &err);
	pcsc_model_has_quirk(&model, "initialized-flag-unreliable");
	pcsc_usb_lookup(data[1] | (unsigned)data[1 + atr_len / 2] << 8, data[atr_len], &model,
			&is_reader, &err);
	return 0;
}
